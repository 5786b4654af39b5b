//! The claims of a Clerk session token, with the organization claims of both formats.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// No custom claims: the default for [`Claims`]; every claim Clerk does not define is kept
/// in [`Claims::other`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoCustomClaims {}

/// The claims of a verified session token.
///
/// `C` holds custom claims added with a JWT template or session customization, as a type of
/// yours that implements `Deserialize`; whatever neither Clerk nor `C` defines is kept in
/// [`other`](Self::other).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims<C = NoCustomClaims> {
    /// The user ID (`user_...`).
    pub sub: String,
    /// The session ID (`sess_...`); absent from tokens that are not session tokens.
    #[serde(default)]
    pub sid: Option<String>,
    /// The issuer: the instance's Frontend API URL.
    #[serde(default)]
    pub iss: Option<String>,
    /// The authorized party: the origin the token was made for.
    #[serde(default)]
    pub azp: Option<String>,
    /// Expiry, in whole seconds since the Unix epoch (a fractional NumericDate, which RFC 7519
    /// allows, is truncated, as the time checks read it).
    #[serde(deserialize_with = "numeric_date::required")]
    pub exp: i64,
    /// Issue time, in whole seconds since the Unix epoch.
    #[serde(default, deserialize_with = "numeric_date::optional")]
    pub iat: Option<i64>,
    /// Start of validity, in whole seconds since the Unix epoch.
    #[serde(default, deserialize_with = "numeric_date::optional")]
    pub nbf: Option<i64>,
    /// The token ID.
    #[serde(default)]
    pub jti: Option<String>,
    /// The actor, when the session is an impersonation.
    #[serde(default)]
    pub act: Option<Actor>,
    /// Minutes since the first and second factor verifications (`-1`: never).
    #[serde(default)]
    pub fva: Option<Vec<i64>>,
    /// The session status: `active` or `pending`.
    #[serde(default)]
    pub sts: Option<String>,
    /// The claims format version: absent for version 1, `2` for version 2.
    #[serde(default)]
    pub v: Option<u32>,
    /// Version 1: the active organization's ID.
    #[serde(default)]
    pub org_id: Option<String>,
    /// Version 1: the active organization's slug.
    #[serde(default)]
    pub org_slug: Option<String>,
    /// Version 1: the user's role in it, such as `org:admin`.
    #[serde(default)]
    pub org_role: Option<String>,
    /// Version 1: the user's permissions in it, such as `org:invoices:read`.
    #[serde(default)]
    pub org_permissions: Option<Vec<String>>,
    /// Version 2: the active organization, compressed.
    #[serde(default)]
    pub o: Option<OrganizationClaim>,
    /// Version 2: the features of the user's and organization's plans, such as
    /// `o:dashboard,u:export` (`o` organization, `u` user).
    #[serde(default)]
    pub fea: Option<String>,
    /// Version 2: the plans, such as `u:free,o:pro`.
    #[serde(default)]
    pub pla: Option<String>,
    /// Custom claims.
    #[serde(flatten)]
    pub custom: C,
    /// Every other claim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// Who acts for the user in an impersonation session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The actor's ID.
    pub sub: String,
    /// Where the actor comes from.
    #[serde(default)]
    pub iss: Option<String>,
    /// The actor's session ID.
    #[serde(default)]
    pub sid: Option<String>,
    /// The kind of actor, such as `agent`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// The `o` claim of version 2 tokens: the active organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationClaim {
    /// The organization ID.
    pub id: String,
    /// The slug.
    #[serde(default)]
    pub slg: Option<String>,
    /// The role, without the `org:` prefix.
    #[serde(default)]
    pub rol: Option<String>,
    /// The permission names the `fpm` bitmaps refer to, comma-separated.
    #[serde(default)]
    pub per: Option<String>,
    /// One bitmap per organization feature of `fea`, comma-separated decimal numbers: bit `i`
    /// (least significant first) grants the `i`-th permission of `per`.
    #[serde(default)]
    pub fpm: Option<String>,
}

/// The active organization of a session, the same for both claim formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveOrganization {
    /// The organization ID.
    pub id: String,
    /// The slug.
    pub slug: Option<String>,
    /// The user's role, such as `org:admin`.
    pub role: Option<String>,
    /// The user's permissions, such as `org:dashboard:manage`.
    pub permissions: Vec<String>,
}

impl<C> Claims<C> {
    /// The user ID.
    pub fn user_id(&self) -> &str {
        &self.sub
    }

    /// The session's active organization, from the version 1 `org_*` claims or the version 2
    /// `o`, `fea` and `fpm` claims.
    pub fn organization(&self) -> Option<ActiveOrganization> {
        if let Some(o) = &self.o {
            return Some(ActiveOrganization {
                id: o.id.clone(),
                slug: o.slg.clone(),
                role: o.rol.as_ref().map(|role| format!("org:{role}")),
                permissions: v2_permissions(o, self.fea.as_deref().unwrap_or("")),
            });
        }
        let id = self.org_id.clone()?;
        Some(ActiveOrganization {
            id,
            slug: self.org_slug.clone(),
            role: self.org_role.clone(),
            permissions: self.org_permissions.clone().unwrap_or_default(),
        })
    }

    /// Whether the user holds `permission` (such as `org:invoices:read`) in the active
    /// organization.
    pub fn has_permission(&self, permission: &str) -> bool {
        self.organization()
            .is_some_and(|org| org.permissions.iter().any(|p| p == permission))
    }

    /// Whether the user has `role` (such as `org:admin`) in the active organization.
    pub fn has_role(&self, role: &str) -> bool {
        self.organization()
            .is_some_and(|org| org.role.as_deref() == Some(role))
    }
}

/// The permissions a version 2 organization claim grants: for the `n`-th organization feature
/// of `fea` (scope containing `o`), bit `i` of the `n`-th `fpm` number grants
/// `org:<feature>:<i-th permission of per>`.
fn v2_permissions(o: &OrganizationClaim, features: &str) -> Vec<String> {
    let names: Vec<&str> = o
        .per
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|p| !p.is_empty())
        .collect();
    let maps: Vec<&str> = o.fpm.as_deref().unwrap_or("").split(',').collect();
    let org_features = features.split(',').filter_map(|entry| {
        let (scope, feature) = entry.split_once(':')?;
        scope.contains('o').then_some(feature)
    });
    let mut permissions = Vec::new();
    for (feature, map) in org_features.zip(maps) {
        let bits = decimal_bits(map.trim());
        for (index, name) in names.iter().enumerate() {
            if bits.get(index).copied().unwrap_or(false) {
                permissions.push(format!("org:{feature}:{name}"));
            }
        }
    }
    permissions
}

/// The bits of a non-negative decimal number of any length, least significant first.
fn decimal_bits(decimal: &str) -> Vec<bool> {
    let mut digits: Vec<u8> = decimal
        .bytes()
        .take_while(u8::is_ascii_digit)
        .map(|d| d - b'0')
        .collect();
    let mut bits = Vec::new();
    while digits.iter().any(|d| *d != 0) {
        // Divide by two in place, keeping the remainder.
        let mut carry = 0;
        for digit in &mut digits {
            let value = carry * 10 + *digit;
            *digit = value / 2;
            carry = value % 2;
        }
        bits.push(carry == 1);
    }
    bits
}

/// RFC 7519 NumericDate: seconds since the epoch, "possibly non-integer". Read as whole
/// seconds, truncated toward zero, as `@clerk/backend` compares them.
pub(crate) mod numeric_date {
    use serde::{Deserialize, Deserializer, de::Error};

    fn whole(seconds: f64) -> Option<i64> {
        (seconds.is_finite() && seconds.abs() < 9.0e15).then(|| seconds.trunc() as i64)
    }

    pub(crate) fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        number
            .as_i64()
            .or_else(|| number.as_f64().and_then(whole))
            .ok_or_else(|| D::Error::custom(format!("{number} is not a NumericDate")))
    }

    pub(crate) fn optional<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<i64>, D::Error> {
        match Option::<serde_json::Number>::deserialize(deserializer)? {
            None => Ok(None),
            Some(number) => number
                .as_i64()
                .or_else(|| number.as_f64().and_then(whole))
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("{number} is not a NumericDate"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: Value) -> Claims {
        serde_json::from_value(json).expect("claims")
    }

    #[test]
    fn fractional_numeric_dates_decode_as_whole_seconds() {
        let claims = claims(serde_json::json!({
            "sub": "user_1", "exp": 1_750_000_060.5, "iat": 1_750_000_000.9, "nbf": -1.5
        }));
        assert_eq!(
            (claims.exp, claims.iat, claims.nbf),
            (1_750_000_060, Some(1_750_000_000), Some(-1))
        );
        let refused: Result<Claims, _> =
            serde_json::from_value(serde_json::json!({"sub": "user_1", "exp": "soon"}));
        assert!(refused.is_err());
    }

    #[test]
    fn version_2_organization_claims_decode_as_the_docs_describe() {
        let claims = claims(serde_json::json!({
            "sub": "user_1", "exp": 1, "v": 2,
            "fea": "o:dashboard,u:export,o:teams",
            "o": {"id": "org_1", "slg": "acme", "rol": "admin", "per": "manage,read", "fpm": "3,2"}
        }));
        let org = claims.organization().expect("an organization");
        assert_eq!(org.id, "org_1");
        assert_eq!(org.slug.as_deref(), Some("acme"));
        assert_eq!(org.role.as_deref(), Some("org:admin"));
        assert_eq!(
            org.permissions,
            [
                "org:dashboard:manage",
                "org:dashboard:read",
                "org:teams:read"
            ]
        );
        assert!(claims.has_permission("org:teams:read"));
        assert!(!claims.has_permission("org:teams:manage"));
        assert!(claims.has_role("org:admin"));
    }

    #[test]
    fn version_1_organization_claims_decode() {
        let claims = claims(serde_json::json!({
            "sub": "user_1", "exp": 1, "org_id": "org_1", "org_slug": "acme",
            "org_role": "org:member", "org_permissions": ["org:invoices:read"]
        }));
        assert!(claims.has_permission("org:invoices:read"));
        assert!(claims.has_role("org:member"));
        assert_eq!(claims.organization().map(|o| o.id), Some("org_1".into()));
    }

    #[test]
    fn bitmaps_beyond_64_bits_are_read() {
        // 2^70 + 1: the first and the 71st permission.
        assert_eq!(
            decimal_bits("1180591620717411303425")
                .iter()
                .enumerate()
                .filter(|(_, b)| **b)
                .map(|(i, _)| i)
                .collect::<Vec<_>>(),
            [0, 70]
        );
        assert!(decimal_bits("0").is_empty());
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Mine {
        plan: String,
    }

    #[test]
    fn custom_claims_are_typed_and_the_rest_is_kept() {
        let claims: Claims<Mine> = serde_json::from_value(serde_json::json!({
            "sub": "user_1", "exp": 1, "iat": 0, "plan": "pro", "tenant": "t1",
            "act": {"sub": "user_2", "type": "agent"}
        }))
        .expect("claims");
        assert_eq!(claims.custom.plan, "pro");
        assert_eq!(claims.other.get("tenant"), Some(&Value::from("t1")));
        assert!(!claims.other.contains_key("plan"));
        assert_eq!(
            claims.act.as_ref().and_then(|a| a.kind.as_deref()),
            Some("agent")
        );
        assert!(claims.organization().is_none());
    }
}
