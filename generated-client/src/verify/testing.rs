//! Session tokens for an application's tests (the `testing` and `jwt` features): signed with
//! a fixed test key that the [`Mock`](crate::testing::Mock) serves as the instance's key set,
//! so a route behind [`Session`](crate::axum::Session) or a [`Verifier`](crate::jwt::Verifier)
//! can be tested end to end without Clerk.
//!
//! The key is public (it is in this file): a verifier trusts it only when pointed at the mock
//! or given [`TestSigner::public_key_pem`], never in production.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::rsa::PublicKeyComponents;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde_json::{Value, json};

use crate::testing::Mock;
use crate::types::Jwks;

/// The test key: RSA 2048, PKCS#8, base64.
const TEST_KEY: &str = concat!(
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC9ADZIP4l0tCttz5h5sdXc5aTF",
    "Dqkxwbz8UuMLX2+8Nz8HDNl6sRXqQTzuYTdbmHjC+hT21iQNSJkoZYfLbSTNbmX/7wGmC1+As3mo",
    "B9eaTecpS+UMuj56uBbVpkDOtLtI+riBu3A6LCJcqPoP3dppBIILF2oWcUzmGIgjd9T0jFaUUHWu",
    "GTufdNOygo5tWZKop/fbV/QNtalHNd2V+Ob8WjqKR7TlXQj7BnZK0juiJGxC4nR/nmBVfAqQygfF",
    "SiLtYTEntgAoH1SsfgCUUrLRm0+if50xraqu0KeW54Fg4HnNhCHQUlu659ld91NumnrOvNxnzydr",
    "SaRXF/YhcUwpAgMBAAECggEADiZWaglLtq+IctOwdCfyvXN55wDmfOGmzvM7qU3PVTWDo/j7zTo1",
    "zFBvCd/AX7ymCd7kM+irUU1GniYfyQSWVUT3IPaZVn+SelW1fXV82EIN1OMoNlA5PkHK/9rPDkqs",
    "nNWce6X3THuiZPKHqilvYR5jyAXMPPrliXJ7usANcvNv1em6rCwCf2MdKu951aY3NGCMEgZ5MLjc",
    "vy2nK1PRR2A7tAGxAGcN4KJF5DD5987nfg8KB3tkVdnktIZuapdUGc1IxRVuKYxe3YbTtw215geC",
    "eL8MOImQOYICjz83kxyDgithSCYxM4IUec1MLMOBiQOYuedl0TZ8rf6xQuaJCwKBgQDeAZh4jSje",
    "VAQF5qXk3aQM9DbDWRe7LgvW/0iiYul4Imq2l0t+Z8ZF8erRpzsE+lzvaEGnCwLtxV4EQVy5e+ON",
    "wS54Qw3xFVV2VFDfRJoEabCps/rnW83U0GdtoieGSeZbfiJYN0dvg0bqz94ZaA+jyEthlhByHppM",
    "45ux0A7yswKBgQDZ8Ncba/vwR2rTsIpeASLqjjyJV7mztgzuRWbBoZGvHyVh+GQRcOGX4GCDgmND",
    "qIretiEtHla93aodCXp1Bqe9eLhDHQxGiYnn2IS4ccvHsth9sN8vRRkcVA4Sa2i57mfjyRZsGPPl",
    "HGeDayBm62bMCog97iXtHyv+s4L78gSDswKBgQCW5jq+5iP7StwZLrdgIw8ZBv4aNfqdbiT6FDdI",
    "uTa8Q5iJV7kmyF7KuC7GJodFUO/OguztH9zzxQ2sksj2ArGfbsmpUNqvHbMjZRg7SiPuD/DWyNEo",
    "ZQw5NRa4PFnlO2Hqmoe5solJ0M9pV7U9S7AlwUULpbaz+v0ieisf563hZQKBgB4y0guZreJAcxv8",
    "FWArNiRcKyU4w6GUMzx8310rPx2N6kcl/O+xvYCm9ZijY4/Hdd6gS/6NeqV6Zoz5eD9o+as2ZAng",
    "p4fKnRJEHTfVhNAaBwd7j6FkKLOVLhH9UhiZYUnd3j6CQqFXizxZhrbcHXVebDxwmE7AB/+V7itt",
    "AJUjAoGAKMqWemFnw+xzxgc+tZ/mzlClb5NRM0tu0gP7rHSKJzOld2g0THiuCl44uY1LYMDpuDrV",
    "6+DcHYE0OTxtjMdNVmlZIXNttiqpl7x5PcedEz5vXAhE9+v9VNVFXdATmom1vw4rna346T+WZcRz",
    "rJh7TVj6u0htNFTIldFOV+nCGLQ=",
);

/// Its public half, as the Dashboard shows an instance's (`CLERK_JWT_KEY`).
const TEST_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvQA2SD+JdLQrbc+YebHV\n3OWkxQ6pMcG8/FLjC19vvDc/BwzZerEV6kE87mE3W5h4wvoU9tYkDUiZKGWHy20k\nzW5l/+8BpgtfgLN5qAfXmk3nKUvlDLo+ergW1aZAzrS7SPq4gbtwOiwiXKj6D93a\naQSCCxdqFnFM5hiII3fU9IxWlFB1rhk7n3TTsoKObVmSqKf321f0DbWpRzXdlfjm\n/Fo6ike05V0I+wZ2StI7oiRsQuJ0f55gVXwKkMoHxUoi7WExJ7YAKB9UrH4AlFKy\n0ZtPon+dMa2qrtCnlueBYOB5zYQh0FJbuufZXfdTbpp6zrzcZ88na0mkVxf2IXFM\nKQIDAQAB\n-----END PUBLIC KEY-----\n";

/// The `kid` of the test key.
pub const TEST_KEY_ID: &str = "ins_test_key";

/// The issuer of test session tokens, as a development instance's Frontend API URL looks.
pub const TEST_ISSUER: &str = "https://clerk.test.example";

/// Signs session tokens with the test key.
///
/// ```no_run
/// # async fn run() {
/// use clerk_backend_api::jwt::Verifier;
/// use clerk_backend_api::testing::{Mock, TestSigner};
///
/// let mock = Mock::start().await;
/// let signer = TestSigner::new();
/// signer.serve_key_set(&mock);
/// let verifier = Verifier::builder().client(mock.client()).build().unwrap();
/// let claims = verifier.verify(&signer.session_token("user_123")).await.unwrap();
/// assert_eq!(claims.sub, "user_123");
/// # }
/// ```
pub struct TestSigner {
    key: RsaKeyPair,
}

impl std::fmt::Debug for TestSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestSigner")
            .field("kid", &TEST_KEY_ID)
            .finish()
    }
}

impl Default for TestSigner {
    fn default() -> Self {
        Self::new()
    }
}

impl TestSigner {
    /// A signer with the test key.
    ///
    /// # Panics
    ///
    /// Never: the key is fixed and valid.
    pub fn new() -> Self {
        let der = STANDARD
            .decode(TEST_KEY)
            .unwrap_or_else(|e| panic!("the test key's base64: {e}"));
        let key =
            RsaKeyPair::from_pkcs8(&der).unwrap_or_else(|e| panic!("the test key's PKCS#8: {e}"));
        Self { key }
    }

    /// The test key's public half as PEM, for [`Verifier`](crate::jwt::Verifier)'s networkless
    /// `jwt_key`.
    pub fn public_key_pem(&self) -> &'static str {
        TEST_PUBLIC_KEY
    }

    /// The key set holding the test key, as `GET /jwks` answers it.
    pub fn key_set(&self) -> Jwks {
        let public = PublicKeyComponents::<Vec<u8>>::from(self.key.public());
        let set = json!({
            "keys": [{
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": TEST_KEY_ID,
                "n": URL_SAFE_NO_PAD.encode(&public.n),
                "e": URL_SAFE_NO_PAD.encode(&public.e),
            }]
        });
        serde_json::from_value(set).unwrap_or_else(|e| panic!("the test key set: {e}"))
    }

    /// Makes `mock` answer `GET /jwks` with [`TestSigner::key_set`], as often as asked.
    pub fn serve_key_set(&self, mock: &Mock) {
        mock.jwks().get().returns(self.key_set());
    }

    /// The claims of a session of `user_id` issued now and valid for five minutes, for
    /// [`TestSigner::sign`] after changes (an organization, custom claims).
    pub fn session_claims(&self, user_id: &str) -> Value {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        json!({
            "sub": user_id,
            "sid": format!("sess_test_{user_id}"),
            "iss": TEST_ISSUER,
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "v": 2,
        })
    }

    /// A session token of `user_id` with [`TestSigner::session_claims`].
    pub fn session_token(&self, user_id: &str) -> String {
        self.sign(&self.session_claims(user_id))
    }

    /// A token of any `claims`, signed RS256 under [`TEST_KEY_ID`].
    ///
    /// # Panics
    ///
    /// Only if the system has no source of randomness.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "kid": TEST_KEY_ID, "typ": "JWT"});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .unwrap_or_else(|e| panic!("signing with the test key: {e}"));
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}
