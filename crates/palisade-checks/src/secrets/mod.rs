//! Secret hygiene checks: values in manifests, ConfigMaps and annotations, legacy tokens, rotation, encryption at rest.

mod api_server_encryption_not_configured;
mod credential_in_annotation;
mod credential_in_configmap;
mod legacy_service_account_token_secret;
mod secret_data_in_manifest;
mod secret_rotation_overdue;
mod secrets_not_encrypted_at_rest;
mod weak_encryption_provider;

pub use api_server_encryption_not_configured::ApiServerEncryptionNotConfigured;
pub use credential_in_annotation::CredentialInAnnotation;
pub use credential_in_configmap::CredentialInConfigmap;
pub use legacy_service_account_token_secret::LegacyServiceAccountTokenSecret;
pub use secret_data_in_manifest::SecretDataInManifest;
pub use secret_rotation_overdue::SecretRotationOverdue;
pub use secrets_not_encrypted_at_rest::SecretsNotEncryptedAtRest;
pub use weak_encryption_provider::WeakEncryptionProvider;

/// The secret hygiene checks in ID order.
pub static CHECKS: &[&dyn palisade_core::Check] = &[
    &SecretDataInManifest,
    &CredentialInConfigmap,
    &CredentialInAnnotation,
    &LegacyServiceAccountTokenSecret,
    &SecretRotationOverdue,
    &SecretsNotEncryptedAtRest,
    &WeakEncryptionProvider,
    &ApiServerEncryptionNotConfigured,
];
