//! RSA public keys: from a PEM document (the Dashboard's "JWKS Public Key", `CLERK_JWT_KEY`)
//! or from a JSON Web Key, and the RS256/RS384/RS512 signature check.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::signature::{self, RsaPublicKeyComponents};

/// The DER encoding of the rsaEncryption object identifier (1.2.840.113549.1.1.1).
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// An RSA public key: modulus and exponent, big-endian, without leading zeros, and the
/// algorithm it verifies (RS256 unless its JSON Web Key says otherwise).
#[derive(Clone, PartialEq, Eq)]
pub struct RsaKey {
    n: Vec<u8>,
    e: Vec<u8>,
    algorithm: Algorithm,
}

impl std::fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaKey({} bits)", self.n.len() * 8)
    }
}

/// The signature algorithms a session token may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Rs256,
    Rs384,
    Rs512,
}

impl Algorithm {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Rs384 => "RS384",
            Self::Rs512 => "RS512",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name {
            "RS256" => Some(Self::Rs256),
            "RS384" => Some(Self::Rs384),
            "RS512" => Some(Self::Rs512),
            _ => None,
        }
    }
}

impl RsaKey {
    /// A key from its modulus and exponent (big-endian bytes).
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<Self, String> {
        let n = strip_zeros(n);
        let e = strip_zeros(e);
        if n.len() < 256 {
            return Err(format!(
                "an RSA modulus of {} bits is too short (at least 2048)",
                n.len() * 8
            ));
        }
        if e.is_empty() {
            return Err("the RSA exponent is zero".into());
        }
        Ok(Self {
            n: n.to_vec(),
            e: e.to_vec(),
            algorithm: Algorithm::Rs256,
        })
    }

    /// A key from the base64url `n` and `e` of a JSON Web Key, for RS256.
    pub fn from_jwk(n: &str, e: &str) -> Result<Self, String> {
        let decode = |name: &str, value: &str| {
            URL_SAFE_NO_PAD
                .decode(value.trim_end_matches('='))
                .map_err(|err| format!("the JWK `{name}` is not base64url: {err}"))
        };
        Self::from_components(&decode("n", n)?, &decode("e", e)?)
    }

    /// The same key for the algorithm a JSON Web Key's `alg` names (RS256, RS384 or RS512).
    pub fn for_algorithm(mut self, alg: &str) -> Result<Self, String> {
        self.algorithm =
            Algorithm::from_name(alg).ok_or_else(|| format!("`{alg}` is not an RSA algorithm"))?;
        Ok(self)
    }

    /// The algorithm the key verifies, such as `RS256`.
    pub fn algorithm(&self) -> &'static str {
        self.algorithm.name()
    }

    pub(crate) fn algorithm_kind(&self) -> Algorithm {
        self.algorithm
    }

    /// A key from a PEM public key: `BEGIN PUBLIC KEY` (SubjectPublicKeyInfo) or `BEGIN RSA
    /// PUBLIC KEY` (PKCS #1), with or without the armour lines, with real line breaks or `\n`
    /// escapes as environment variables often hold them.
    pub fn from_pem(pem: &str) -> Result<Self, String> {
        let text = pem.replace("\\n", "\n");
        let base64: String = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.starts_with("-----"))
            .collect();
        if base64.is_empty() {
            return Err("the PEM key is empty".into());
        }
        let der = STANDARD
            .decode(base64.as_bytes())
            .map_err(|e| format!("the PEM key is not base64: {e}"))?;
        let pkcs1 = match spki_rsa_key(&der) {
            Some(inner) => inner,
            None => &der[..],
        };
        let (n, e) = pkcs1_components(pkcs1)
            .ok_or("the PEM key is not an RSA public key (SubjectPublicKeyInfo or PKCS #1)")?;
        Self::from_components(n, e)
    }

    /// Whether `signature` is this key's signature of `message` with `algorithm`.
    pub(crate) fn verifies(&self, algorithm: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        let parameters = match algorithm {
            Algorithm::Rs256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            Algorithm::Rs384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            Algorithm::Rs512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        };
        RsaPublicKeyComponents {
            n: &self.n,
            e: &self.e,
        }
        .verify(parameters, message, signature)
        .is_ok()
    }
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// One DER element: its tag, its contents and what follows it.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let length = rest[..count]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (length, &rest[count..])
    };
    if rest.len() < length {
        return None;
    }
    Some((tag, &rest[..length], &rest[length..]))
}

/// The PKCS #1 key inside a SubjectPublicKeyInfo whose algorithm is rsaEncryption.
fn spki_rsa_key(der: &[u8]) -> Option<&[u8]> {
    let (0x30, info, _) = element(der)? else {
        return None;
    };
    let (0x30, algorithm, rest) = element(info)? else {
        return None;
    };
    let (0x06, oid, _) = element(algorithm)? else {
        return None;
    };
    if oid != RSA_ENCRYPTION {
        return None;
    }
    let (0x03, bits, _) = element(rest)? else {
        return None;
    };
    // A BIT STRING starts with the count of unused bits, 0 here.
    match bits.split_first() {
        Some((0, key)) => Some(key),
        _ => None,
    }
}

/// The modulus and exponent of a PKCS #1 RSAPublicKey.
fn pkcs1_components(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (0x30, key, _) = element(der)? else {
        return None;
    };
    let (0x02, n, rest) = element(key)? else {
        return None;
    };
    let (0x02, e, _) = element(rest)? else {
        return None;
    };
    Some((n, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RSA key of RFC 7515, appendix A.2, and its RS256 example.
    const RFC_N: &str = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
    const RFC_E: &str = "AQAB";
    const RFC_SIGNING_INPUT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
    const RFC_SIGNATURE: &str = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

    #[test]
    fn the_rfc_7515_example_verifies_with_rs256_only() {
        let key = RsaKey::from_jwk(RFC_N, RFC_E).expect("a key");
        let signature = URL_SAFE_NO_PAD.decode(RFC_SIGNATURE).expect("base64url");
        let message = RFC_SIGNING_INPUT.as_bytes();
        assert!(key.verifies(Algorithm::Rs256, message, &signature));
        assert!(!key.verifies(Algorithm::Rs384, message, &signature));
        let mut tampered = message.to_vec();
        tampered[40] ^= 1;
        assert!(!key.verifies(Algorithm::Rs256, &tampered, &signature));
    }

    /// Wraps a PKCS #1 key into a SubjectPublicKeyInfo, independently of the parser.
    fn spki(pkcs1: &[u8]) -> Vec<u8> {
        fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
            let mut out = vec![tag];
            if body.len() < 128 {
                out.push(body.len() as u8);
            } else {
                out.extend([0x82, (body.len() >> 8) as u8, body.len() as u8]);
            }
            out.extend_from_slice(body);
            out
        }
        let mut algorithm = tlv(0x06, RSA_ENCRYPTION);
        algorithm.extend([0x05, 0x00]);
        let mut bits = vec![0];
        bits.extend_from_slice(pkcs1);
        let mut info = tlv(0x30, &algorithm);
        info.extend(tlv(0x03, &bits));
        tlv(0x30, &info)
    }

    fn pkcs1(n: &[u8], e: &[u8]) -> Vec<u8> {
        fn int(body: &[u8]) -> Vec<u8> {
            let mut value = Vec::new();
            if body[0] & 0x80 != 0 {
                value.push(0);
            }
            value.extend_from_slice(body);
            let mut out = vec![0x02];
            if value.len() < 128 {
                out.push(value.len() as u8);
            } else {
                out.extend([0x82, (value.len() >> 8) as u8, value.len() as u8]);
            }
            out.extend(value);
            out
        }
        let mut key = int(n);
        key.extend(int(e));
        let mut out = vec![0x30, 0x82, (key.len() >> 8) as u8, key.len() as u8];
        out.extend(key);
        out
    }

    #[test]
    fn pem_keys_are_read_armoured_or_not_with_escaped_line_breaks() {
        let expected = RsaKey::from_jwk(RFC_N, RFC_E).expect("a key");
        let n = URL_SAFE_NO_PAD.decode(RFC_N).expect("n");
        let e = URL_SAFE_NO_PAD.decode(RFC_E).expect("e");
        let der = spki(&pkcs1(&n, &e));
        let body = STANDARD.encode(&der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).expect("ascii"))
            .collect();
        let armoured = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            lines.join("\n")
        );
        let escaped = armoured.replace('\n', "\\n");
        for pem in [armoured.as_str(), escaped.as_str(), body.as_str()] {
            assert_eq!(RsaKey::from_pem(pem).as_ref(), Ok(&expected), "{pem}");
        }
        let pkcs1_pem = STANDARD.encode(pkcs1(&n, &e));
        assert_eq!(RsaKey::from_pem(&pkcs1_pem), Ok(expected));
        assert!(RsaKey::from_pem("").is_err());
        assert!(RsaKey::from_pem("not a key").is_err());
        assert!(RsaKey::from_pem(&STANDARD.encode(b"\x30\x03\x02\x01\x05")).is_err());
    }

    #[test]
    fn short_moduli_are_refused() {
        assert!(RsaKey::from_components(&[0xff; 128], &[1, 0, 1]).is_err());
        assert!(RsaKey::from_components(&[0xff; 256], &[0]).is_err());
    }
}
