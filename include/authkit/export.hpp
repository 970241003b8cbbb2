/// @file
/// AUTHKIT_API marks the symbols libauthkit exports; everything else is hidden.
#pragma once

#if defined(AUTHKIT_STATIC_DEFINE)
#define AUTHKIT_API
#else
/// Marks a declaration as exported from libauthkit.so (hidden visibility is the default).
#define AUTHKIT_API __attribute__((visibility("default")))
#endif
