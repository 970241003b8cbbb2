#include <cstdio>
#include "authkit/crypto.hpp"
int main() { std::puts(authkit::crypto::random_uuid_v4().c_str()); }
