//! CIS Kubernetes Benchmark v1.9.0: the same recommendations as v1.10,
//! except that 1.2.29 still accepts the 3DES and RSA-key-exchange cipher
//! suites v1.10 dropped.

use super::Benchmark;

/// The suites 1.2.29 of v1.9 accepts beyond v1.10's list.
const DROPPED_IN_1_10: &[&str] = &[
    "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
];

pub fn benchmark() -> Benchmark {
    Benchmark {
        name: "cis-1.9",
        version: "1.9.0",
        kubernetes: (27, 27),
        sections: super::cis_1_10::SECTIONS,
        recommendations: super::cis_1_10::recommendations(&[
            super::cis_1_10::API_STRONG_CIPHERS,
            DROPPED_IN_1_10,
        ]),
    }
}
