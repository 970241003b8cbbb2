// Fixed key pairs of the token fuzz target, made for it with `openssl genpkey` and used nowhere
// else: the seed tokens in tests/fuzz/corpus/token are signed with them, so they verify in every
// process (a key generated per run would make every stored seed a bad signature).
#pragma once

namespace authkit_fuzz {

inline constexpr const char* kRs256Pem = R"(
-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDVAdqOy1KeBRXd
NWhWG0oqpNJF9OXsdxaKcN8J1lpQKyNW9n60cn5R+Ip5uBmZmXwPl4qfX4M1mPsG
srQv/RVx2NsMSACwhKRoFwtLLpnqKybRUaEQE385ziCDt0usZzEwj37+90uzjF40
oQmUMLA39UsTtZIDtGeFRMiJ5RR25V92SR6Wsm5HChs19PrkbmtUbluGkMj0YXO9
SawRIkcV57n6t+WY6JWcOykZOhSuaY9PDuPYIm64Omb16uZmC5/pYo+eqYbokhX0
2cAslyFBGkQBesUdNKrerQpc40/pkTAnB75+/Pi43nmmnOXHfQEht55dAweDQEU3
ARpEAvcXAgMBAAECggEAGGQYc057/OVHLift9SI12XE7NNCIvY2bcqnfGGDHwbNW
3h/mvWH47gkATlTS9aA6MQzgzkQhIbONVySCdpZL7NfwqVTbY1sk+lhdLjQ9Yq+j
R8fJoi4hXOyqE3sbOrgsTUu5Npf5vqsdpHgmQSZcH2RCvxSFDlCLpBqOvh+RutVu
lOSDqeBuzhMZx078mQewfPSP73pq+wH4O3BM1EV9N354EtSO4c09TwzXLkavxADj
2obgqAusCDEMwVi9B7TcNqqfzqH74zr0ipNnfv4ZgeCjijZVURi778+EZl703TWP
6rfYfvMWvR/RAY3PsT7jtZ02mtlgNGIBc0lHLTFMnQKBgQDzaQP4RGGtDklnsUJa
SzlqZQPXAEPryJ8NZERlFqmIJEJ4UMhjg7GxEKPGozG+PLwskkJS190pb7+2ubB4
3Nh2nuOPUg79ktSu3jHsf8w8yXATUW7nAf04xdxbUQOb12TpJvcMueGXCpjPtnjX
4dV0YSN+VP8R/xYP6hAK79kVnQKBgQDgBkYRnmahyVOHLLqLcqqxQnqsgOX7H+PJ
wXkdi79cIvdl4aeKMIAleB/280yuboQ7v9PGaElcjYD76w6QHHgFVcsBaot5laN8
FXsEZEPsxlL3ZnPB4VwDd6aHt9MblLD42uylmUCBym4vei9NmdX6nNS6OCY9muB6
m6HZ3/nbQwKBgQDef/lcAQ4URgH9okAYD7lNM0d+SkTMDFivwh7vFPcldpe4KYfz
x5cvVxmOYvD+h8AvMgckeSQ2U2s42aah5KaOUBGNmiIP0x9NNdkG6Y9FZZFoZ0Ds
M5pIQj16z6Rv2UXqBm9AF85J5irnfFIcbNhVCNKMEaAT0ExXgcrmZHbY1QKBgQC9
Eo5wsE/OnCxzGb0XlF+b24/Np7xyhieqUC/4T8nh6WEEC79rUiPVe9z+f7loPr47
71q9SachBgymkWxpFJ33YsFDILk2lKS2RSreOgFaBMhhJYbtS1ZtVr6mLO9vh78V
STARU5at9DuqtmTWCdAfA95GjL05oU10LYYcbHxkIQKBgCU/lfh57QKyP/vheYLg
uvfhQ3pc6EkSdxF5hKfx5jjc8DPRYl05z4UMTEDiwxLWVpB2udaPf7xRabAAq7wZ
9Kvr0wPVUGkWeMb3o6h0ycFVVUYeLLv6KYuu4iWr7i4ASXk4NISvPmhJpIY1Hdkx
kscGOvWS1Zi518VdQ8zJKtn9
-----END PRIVATE KEY-----
)";

inline constexpr const char* kEs256Pem = R"(
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg5Ugu1OycZX5ddgTX
Rj0NxsrLJ9Z+EzKbXcU+gnSrcf6hRANCAARg82Pod+kQxApC+yg6AK6fyvVxa9Ke
sLViX+uvFmWzT3/Czn7Xj9w3YD/H4lsZl4lzP41nwdD5QbjSsNjEcFRj
-----END PRIVATE KEY-----
)";

inline constexpr const char* kEdDsaPem = R"(
-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEICLkZclyTIFqm8iZZrErN7GIQawhljG06TpvJRwJ1IIu
-----END PRIVATE KEY-----
)";

}  // namespace authkit_fuzz
