// AUTHKIT_API marks the symbols libauthkit exports; everything else is hidden.
#pragma once

#if defined(AUTHKIT_STATIC_DEFINE)
#define AUTHKIT_API
#else
#define AUTHKIT_API __attribute__((visibility("default")))
#endif
