//! The groups beyond the endpoint listing, at least one call each: the exact request the
//! client sends (method, path, query, body) and the strict decoding of a realistic answer, so
//! that a response missing a member the spec requires fails the test instead of being
//! corrected.

mod support;

use std::future::Future;

use clerk_backend_api::types::{
    ActorTokensCreateBodyActor, ApiKeysVerifyResponse, CommerceListPlansPayerType,
    EmailSmsTemplatesToggleDeliveryTemplateType, EnterpriseConnectionsCreateBodyProvider,
    InvitationsCreateManyBodyItem, InvitationsListStatus, OauthAccessTokensVerifyResponse,
    OrganizationInvitationsCreateManyBodyItem, OrganizationInvitationsListStatus,
};
use clerk_backend_api::{Client, Error, Upload};
use serde_json::{Value, json};
use support::{Recorded, Reply, TestServer, assert_standard_headers, fixture};

/// Runs one call, with strict decoding, against a server that answers `body` with 200, and
/// returns the decoded value and the one request the server saw.
async fn exchange<T, F, Fut>(body: Value, call: F) -> (T, Recorded)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let server = TestServer::replying(200, &body.to_string()).await;
    let value = call(strict(&server))
        .await
        .unwrap_or_else(|e| panic!("the call failed: {e}"));
    let request = server.only_request();
    assert_standard_headers(&request);
    (value, request)
}

fn strict(server: &TestServer) -> Client {
    Client::builder()
        .token("sk_test_secret")
        .base_url(&server.base_url)
        .strict(true)
        .build()
        .expect("a client")
}

fn assert_line(request: &Recorded, method: &str, path: &str) {
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        (method, path)
    );
}

fn assert_query(request: &Recorded, expected: &[(&str, &str)]) {
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(request.query, expected);
}

fn assert_json_body(request: &Recorded, expected: Value) {
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.json(), expected);
}

fn assert_no_body(request: &Recorded) {
    assert!(request.body.is_empty(), "unexpected body");
    assert_eq!(request.header("content-type"), None);
}

/// A JSON fixture of `tests/fixtures/` as a value.
fn object(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).expect("a JSON fixture")
}

const T: i64 = 1_732_612_345_000;

fn invitation() -> Value {
    json!({
        "object": "invitation", "id": "inv_2xK9", "email_address": "grace@example.com",
        "public_metadata": {"team": "compilers"}, "revoked": false, "status": "pending",
        "url": "https://accounts.example.test/invite?ticket=abc", "expires_at": T + 86_400_000,
        "created_at": T, "updated_at": T
    })
}

fn organization_invitation() -> Value {
    json!({
        "object": "organization_invitation", "id": "orginv_2xK9", "email_address": "grace@example.com",
        "role": "org:member", "role_name": "Member", "organization_id": "org_1",
        "status": "pending", "public_metadata": {}, "private_metadata": {},
        "created_at": T, "updated_at": T
    })
}

fn machine() -> Value {
    json!({
        "object": "machine", "id": "mch_2xK9", "name": "billing-worker", "instance_id": "ins_1",
        "created_at": T, "updated_at": T, "scoped_machines": [], "default_token_ttl": 3600
    })
}

fn api_key(secret: bool) -> Value {
    let mut key = json!({
        "object": "api_key", "id": "ak_0123456789abcdef0123456789abcdef", "type": "api_key",
        "subject": "user_1", "name": "ci", "description": null, "claims": null,
        "scopes": ["read"], "revoked": false, "revocation_reason": null, "expired": false,
        "expiration": null, "created_by": "user_1", "last_used_at": null,
        "created_at": T, "updated_at": T
    });
    if secret {
        key["secret"] = json!("ak_live_secret");
    }
    key
}

fn m2m_token(token: bool) -> Value {
    let mut value = json!({
        "object": "machine_to_machine_token", "id": "mt_0123456789abcdef0123456789abcdef",
        "subject": "mch_2xK9", "scopes": ["mch_other"], "claims": null, "revoked": false,
        "revocation_reason": null, "expired": false, "expiration": T + 3_600_000,
        "last_used_at": null, "created_at": T, "updated_at": T
    });
    if token {
        value["token"] = json!("mt_secret");
    }
    value
}

mod invitations {
    use super::*;

    #[tokio::test]
    async fn create_sends_the_address_and_options() {
        let (created, request) = exchange(invitation(), |c| async move {
            c.invitations()
                .create("grace@example.com")
                .notify(false)
                .expires_in_days(7)
                .redirect_url("https://app.example.test/welcome")
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/invitations");
        assert_json_body(
            &request,
            json!({
                "email_address": "grace@example.com",
                "notify": false,
                "expires_in_days": 7,
                "redirect_url": "https://app.example.test/welcome"
            }),
        );
        assert_eq!(created.id, "inv_2xK9");
        assert_eq!(created.public_metadata["team"], "compilers");
    }

    #[tokio::test]
    async fn list_filters_by_status_and_reads_a_bare_array() {
        let (list, request) = exchange(json!([invitation(), invitation()]), |c| async move {
            c.invitations()
                .list()
                .status(InvitationsListStatus::Pending)
                .limit(20)
                .send()
                .await
        })
        .await;
        assert_line(&request, "GET", "/invitations");
        assert_query(&request, &[("status", "pending"), ("limit", "20")]);
        assert_no_body(&request);
        assert_eq!(list.len(), 2);
    }

    #[tokio::test]
    async fn create_many_sends_an_array() {
        let (created, request) = exchange(json!([invitation()]), |c| async move {
            c.invitations()
                .create_many()
                .body(vec![InvitationsCreateManyBodyItem {
                    ignore_existing: Some(clerk_backend_api::Nullable::Value(true)),
                    ..InvitationsCreateManyBodyItem::new("grace@example.com")
                }])
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/invitations/bulk");
        assert_json_body(
            &request,
            json!([{"email_address": "grace@example.com", "ignore_existing": true}]),
        );
        assert_eq!(created[0].email_address, "grace@example.com");
    }

    #[tokio::test]
    async fn revoke_addresses_the_invitation() {
        let mut revoked = invitation();
        revoked["revoked"] = json!(true);
        revoked["status"] = json!("revoked");
        let (invitation, request) = exchange(revoked, |c| async move {
            c.invitations().revoke("inv_2xK9").send().await
        })
        .await;
        assert_line(&request, "POST", "/invitations/inv_2xK9/revoke");
        assert_eq!(invitation.revoked, Some(true));
    }
}

mod organization_invitations {
    use super::*;

    #[tokio::test]
    async fn create_sends_address_role_and_inviter() {
        let (created, request) = exchange(organization_invitation(), |c| async move {
            c.organization_invitations()
                .create("org_1", "grace@example.com", "org:member")
                .inviter_user_id("user_1")
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/organizations/org_1/invitations");
        assert_json_body(
            &request,
            json!({"email_address": "grace@example.com", "role": "org:member", "inviter_user_id": "user_1"}),
        );
        assert_eq!(created.role, "org:member");
    }

    #[tokio::test]
    async fn list_pages_and_filters() {
        let page = json!({"data": [organization_invitation()], "total_count": 11});
        let (page, request) = exchange(page, |c| async move {
            c.organization_invitations()
                .list("org_1")
                .status(OrganizationInvitationsListStatus::Pending)
                .limit(10)
                .offset(10)
                .send()
                .await
        })
        .await;
        assert_line(&request, "GET", "/organizations/org_1/invitations");
        assert_query(
            &request,
            &[("status", "pending"), ("limit", "10"), ("offset", "10")],
        );
        assert_eq!(page.total_count, 11);
        assert_eq!(page.data[0].email_address, "grace@example.com");
    }

    #[tokio::test]
    async fn create_many_sends_each_invitation() {
        let (created, request) = exchange(
            json!({"data": [organization_invitation()], "total_count": 1}),
            |c| async move {
                c.organization_invitations()
                    .create_many(
                        "org_1",
                        vec![OrganizationInvitationsCreateManyBodyItem::new(
                            "grace@example.com",
                            "org:admin",
                        )],
                    )
                    .send()
                    .await
            },
        )
        .await;
        assert_line(&request, "POST", "/organizations/org_1/invitations/bulk");
        assert_json_body(
            &request,
            json!([{"email_address": "grace@example.com", "role": "org:admin"}]),
        );
        assert_eq!(created.total_count, 1);
    }
}

mod email_addresses {
    use super::*;

    #[tokio::test]
    async fn create_sends_the_user_and_address() {
        let mut address = object("user.json")["email_addresses"][0].clone();
        address["email_address"] = json!("ada@work.example.com");
        let (created, request) = exchange(address, |c| async move {
            c.email_addresses()
                .create("user_1", "ada@work.example.com")
                .verified(true)
                .primary(false)
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/email_addresses");
        assert_json_body(
            &request,
            json!({"user_id": "user_1", "email_address": "ada@work.example.com", "verified": true, "primary": false}),
        );
        assert_eq!(created.email_address, "ada@work.example.com");
    }

    #[tokio::test]
    async fn attempt_verification_reports_the_status() {
        let answer = json!({"id": "ver_1", "status": "failed", "attempts": 2, "expire_at": T});
        let (verification, request) = exchange(answer, |c| async move {
            c.email_addresses()
                .attempt_verification("idn_1", "ver_1", "424242")
                .send()
                .await
        })
        .await;
        assert_line(
            &request,
            "POST",
            "/email_addresses/idn_1/attempt_verification",
        );
        assert_json_body(
            &request,
            json!({"verification_id": "ver_1", "code": "424242"}),
        );
        assert_eq!(verification.attempts, Some(2));
    }
}

mod allowlist_blocklist {
    use super::*;

    #[tokio::test]
    async fn add_to_allowlist_sends_the_identifier() {
        let entry = json!({
            "object": "allowlist_identifier", "id": "alid_1", "identifier": "example.com",
            "identifier_type": "domain", "created_at": T, "updated_at": T
        });
        let (entry, request) = exchange(entry, |c| async move {
            c.allowlist_blocklist()
                .add_to_allowlist("example.com")
                .notify(false)
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/allowlist_identifiers");
        assert_json_body(
            &request,
            json!({"identifier": "example.com", "notify": false}),
        );
        assert_eq!(entry.identifier.as_deref(), Some("example.com"));
    }

    #[tokio::test]
    async fn remove_from_blocklist_addresses_the_entry() {
        let deleted = json!({"object": "blocklist_identifier", "id": "blid_1", "deleted": true});
        let (deleted, request) = exchange(deleted, |c| async move {
            c.allowlist_blocklist()
                .remove_from_blocklist("blid_1")
                .send()
                .await
        })
        .await;
        assert_line(&request, "DELETE", "/blocklist_identifiers/blid_1");
        assert_no_body(&request);
        assert!(deleted.deleted);
    }
}

mod jwt_templates {
    use super::*;

    #[tokio::test]
    async fn create_sends_name_claims_and_lifetime() {
        let template = json!({
            "object": "jwt_template", "id": "jtmp_1", "name": "hasura",
            "claims": {"role": "{{user.public_metadata.role}}"}, "lifetime": 120,
            "allowed_clock_skew": 5, "custom_signing_key": false, "signing_algorithm": "RS256",
            "created_at": T, "updated_at": T
        });
        let mut claims = serde_json::Map::new();
        claims.insert("role".into(), json!("{{user.public_metadata.role}}"));
        let (template, request) = exchange(template, |c| async move {
            c.jwt_templates()
                .create(claims, "hasura")
                .lifetime(120)
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/jwt_templates");
        assert_json_body(
            &request,
            json!({"name": "hasura", "claims": {"role": "{{user.public_metadata.role}}"}, "lifetime": 120}),
        );
        assert_eq!(template.lifetime, 120);
    }
}

mod actor_tokens {
    use super::*;

    #[tokio::test]
    async fn create_names_the_user_and_the_actor() {
        let token = json!({
            "object": "actor_token", "id": "act_1", "user_id": "user_1",
            "actor": {"sub": "user_support"}, "status": "pending",
            "token": "eyJ...", "url": "https://accounts.example.test/impersonate",
            "created_at": T, "updated_at": T
        });
        let (token, request) = exchange(token, |c| async move {
            c.actor_tokens()
                .create("user_1", ActorTokensCreateBodyActor::new("user_support"))
                .expires_in_seconds(600)
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/actor_tokens");
        assert_json_body(
            &request,
            json!({"user_id": "user_1", "actor": {"sub": "user_support"}, "expires_in_seconds": 600}),
        );
        assert_eq!(token.actor["sub"], "user_support");
    }
}

mod m2m_tokens {
    use super::*;

    #[tokio::test]
    async fn create_returns_the_token_once() {
        let (token, request) = exchange(m2m_token(true), |c| async move {
            c.m2m_tokens()
                .create()
                .seconds_until_expiration(3600.0)
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/m2m_tokens");
        assert_json_body(&request, json!({"seconds_until_expiration": 3600.0}));
        assert_eq!(token.token, "mt_secret");
    }

    #[tokio::test]
    async fn verify_sends_the_token() {
        let (token, request) = exchange(m2m_token(false), |c| async move {
            c.m2m_tokens().verify("mt_secret").send().await
        })
        .await;
        assert_line(&request, "POST", "/m2m_tokens/verify");
        assert_json_body(&request, json!({"token": "mt_secret"}));
        assert_eq!(token.subject, "mch_2xK9");
        assert!(!token.revoked);
    }

    #[tokio::test]
    async fn list_asks_for_one_machine() {
        let page = json!({"m2m_tokens": [m2m_token(false)], "total_count": 1});
        let (page, request) = exchange(page, |c| async move {
            c.m2m_tokens().list("mch_2xK9").revoked(false).send().await
        })
        .await;
        assert_line(&request, "GET", "/m2m_tokens");
        assert_query(&request, &[("subject", "mch_2xK9"), ("revoked", "false")]);
        assert_eq!(page.total_count, 1.0);
        assert_eq!(page.m2m_tokens[0].id, "mt_0123456789abcdef0123456789abcdef");
    }
}

mod api_keys {
    use super::*;

    #[tokio::test]
    async fn create_sends_name_subject_and_scopes() {
        let (key, request) = exchange(api_key(true), |c| async move {
            c.api_keys()
                .create("ci", "user_1")
                .scopes(["read"])
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/api_keys");
        assert_json_body(
            &request,
            json!({"name": "ci", "subject": "user_1", "scopes": ["read"]}),
        );
        assert_eq!(key.secret, "ak_live_secret");
    }

    #[tokio::test]
    async fn verify_sends_the_secret() {
        let (key, request) = exchange(api_key(false), |c| async move {
            c.api_keys().verify("ak_live_secret").send().await
        })
        .await;
        assert_line(&request, "POST", "/api_keys/verify");
        assert_json_body(&request, json!({"secret": "ak_live_secret"}));
        let ApiKeysVerifyResponse { subject, .. } = key;
        assert_eq!(subject, "user_1");
    }
}

mod oauth_access_tokens {
    use super::*;

    #[tokio::test]
    async fn verify_sends_the_token_and_reads_either_answer() {
        let token = json!({
            "object": "clerk_idp_oauth_access_token", "id": "oat_0123456789abcdef0123456789abcdef",
            "client_id": "client_1", "subject": "user_1", "scopes": ["profile"], "revoked": false,
            "revocation_reason": null, "expired": false, "expiration": null,
            "created_at": T, "updated_at": T
        });
        let (verified, request) = exchange(token, |c| async move {
            c.oauth_access_tokens()
                .verify()
                .access_token("oat_secret")
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/oauth_applications/access_tokens/verify");
        assert_json_body(&request, json!({"access_token": "oat_secret"}));
        assert!(
            matches!(&verified, OauthAccessTokensVerifyResponse::ClerkIdpOauthAccessToken(token) if token.subject == "user_1"),
            "{verified:?}"
        );
    }
}

mod machines {
    use super::*;

    #[tokio::test]
    async fn create_sends_the_name_and_ttl() {
        let mut created = machine();
        created["secret_key"] = json!("ak_machine_secret");
        let (machine, request) = exchange(created, |c| async move {
            c.machines()
                .create("billing-worker")
                .default_token_ttl(3600)
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/machines");
        assert_json_body(
            &request,
            json!({"name": "billing-worker", "default_token_ttl": 3600}),
        );
        assert_eq!(machine.secret_key, "ak_machine_secret");
    }

    #[tokio::test]
    async fn create_scope_names_the_other_machine() {
        let scope = json!({
            "object": "machine_scope", "from_machine_id": "mch_1", "to_machine_id": "mch_2",
            "created_at": T
        });
        let (scope, request) = exchange(scope, |c| async move {
            c.machines().create_scope("mch_1", "mch_2").send().await
        })
        .await;
        assert_line(&request, "POST", "/machines/mch_1/scopes");
        assert_json_body(&request, json!({"to_machine_id": "mch_2"}));
        assert_eq!(scope.to_machine_id, "mch_2");
    }
}

mod domains {
    use super::*;

    #[tokio::test]
    async fn list_reads_cname_targets() {
        let page = json!({"data": [{
            "object": "domain", "id": "dmn_1", "name": "example.com", "is_satellite": false,
            "frontend_api_url": "https://clerk.example.com", "development_origin": "",
            "cname_targets": [{"host": "clerk", "value": "frontend-api.clerk.services", "required": true}]
        }], "total_count": 1});
        let (page, request) =
            exchange(page, |c| async move { c.domains().list().send().await }).await;
        assert_line(&request, "GET", "/domains");
        assert_no_body(&request);
        let targets = page.data[0].cname_targets.as_ref().expect("targets");
        assert_eq!(targets[0].value, "frontend-api.clerk.services");
    }
}

mod clients {
    use super::*;

    #[tokio::test]
    async fn verify_sends_the_token_and_reads_sessions() {
        let client = json!({
            "object": "client", "id": "client_1", "session_ids": ["sess_1"],
            "sessions": [object("session.json")], "sign_in_id": null, "sign_up_id": null,
            "last_active_session_id": "sess_1", "last_authentication_strategy": null,
            "updated_at": T, "created_at": T
        });
        let (client, request) = exchange(client, |c| async move {
            c.clients().verify("client-token").send().await
        })
        .await;
        assert_line(&request, "POST", "/clients/verify");
        assert_json_body(&request, json!({"token": "client-token"}));
        assert_eq!(client.session_ids, ["sess_1"]);
        assert_eq!(client.sessions.len(), 1);
    }
}

mod instance_settings {
    use super::*;

    #[tokio::test]
    async fn update_restrictions_sends_only_what_is_set() {
        let restrictions = json!({
            "object": "instance_restrictions", "allowlist": true, "blocklist": false,
            "allowlist_blocklist_disabled_on_sign_in": false, "block_email_subaddresses": true,
            "block_disposable_email_domains": false
        });
        let (restrictions, request) = exchange(restrictions, |c| async move {
            c.instance_settings()
                .update_restrictions()
                .allowlist(true)
                .block_email_subaddresses(true)
                .send()
                .await
        })
        .await;
        assert_line(&request, "PATCH", "/instance/restrictions");
        assert_json_body(
            &request,
            json!({"allowlist": true, "block_email_subaddresses": true}),
        );
        assert!(restrictions.allowlist);
    }
}

mod organization_domains {
    use super::*;

    #[tokio::test]
    async fn create_sends_name_and_enrollment_mode() {
        let domain = json!({
            "object": "organization_domain", "id": "orgdmn_1", "organization_id": "org_1",
            "name": "example.com", "enrollment_mode": "automatic_invitation",
            "affiliation_email_address": null, "verification": null,
            "total_pending_invitations": 0, "total_pending_suggestions": 0,
            "created_at": T, "updated_at": T
        });
        let (domain, request) = exchange(domain, |c| async move {
            c.organization_domains()
                .create("org_1")
                .name("example.com")
                .enrollment_mode("automatic_invitation")
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/organizations/org_1/domains");
        assert_json_body(
            &request,
            json!({"name": "example.com", "enrollment_mode": "automatic_invitation"}),
        );
        assert_eq!(domain.name, "example.com");
    }
}

mod organization_permissions {
    use super::*;

    #[tokio::test]
    async fn create_sends_key_and_name() {
        let permission = json!({
            "object": "permission", "id": "perm_1", "name": "Read invoices",
            "key": "org:invoices:read", "description": "", "type": "user",
            "created_at": T, "updated_at": T
        });
        let (permission, request) = exchange(permission, |c| async move {
            c.organization_permissions()
                .create("org:invoices:read", "Read invoices")
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/organization_permissions");
        assert_json_body(
            &request,
            json!({"key": "org:invoices:read", "name": "Read invoices"}),
        );
        assert_eq!(permission.key, "org:invoices:read");
    }
}

mod role_sets {
    use super::*;

    #[tokio::test]
    async fn create_sends_roles_and_defaults() {
        let set = json!({
            "object": "role_set", "id": "rs_1", "name": "Support", "key": "role_set:support",
            "description": null, "roles": [{
                "object": "role_set_item", "id": "rsi_1", "name": "Agent", "key": "org:agent",
                "description": null, "created_at": T, "updated_at": T
            }], "type": "custom", "created_at": T, "updated_at": T
        });
        let (set, request) = exchange(set, |c| async move {
            c.role_sets()
                .create("org:agent", "org:agent", "Support", ["org:agent"])
                .key("role_set:support")
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/role_sets");
        assert_json_body(
            &request,
            json!({
                "name": "Support", "key": "role_set:support", "roles": ["org:agent"],
                "default_role_key": "org:agent", "creator_role_key": "org:agent"
            }),
        );
        assert_eq!(set.roles[0].key, "org:agent");
    }
}

mod oauth_applications {
    use super::*;

    fn application() -> Value {
        json!({
            "object": "oauth_application", "id": "oa_1", "instance_id": "ins_1", "name": "CLI",
            "dynamically_registered": false, "consent_screen_enabled": true, "pkce_required": true,
            "public": true, "client_id": "client_1", "client_uri": null, "client_image_url": null,
            "scopes": "profile email", "redirect_uris": ["myapp://callback"],
            "callback_url": "myapp://callback",
            "authorize_url": "https://clerk.example.com/oauth/authorize",
            "token_fetch_url": "https://clerk.example.com/oauth/token",
            "user_info_url": "https://clerk.example.com/oauth/userinfo",
            "discovery_url": "https://clerk.example.com/.well-known/openid-configuration",
            "token_introspection_url": "https://clerk.example.com/oauth/token_info",
            "created_at": T, "updated_at": T
        })
    }

    #[tokio::test]
    async fn upload_logo_sends_the_image_as_a_part() {
        let (app, request) = exchange(application(), |c| async move {
            c.oauth_applications()
                .upload_logo(
                    "oa_1",
                    Upload::new(b"\x89PNG\r\n".to_vec(), "logo.png", "image/png"),
                )
                .uploader_user_id("user_1")
                .send()
                .await
        })
        .await;
        assert_line(&request, "PUT", "/oauth_applications/oa_1/logo");
        let parts = request.multipart();
        let file = parts.iter().find(|p| p.0 == "file").expect("a file part");
        assert_eq!(
            (file.1.as_deref(), file.2.as_deref()),
            (Some("logo.png"), Some("image/png"))
        );
        assert_eq!(file.3, b"\x89PNG\r\n");
        assert!(
            parts
                .iter()
                .any(|p| p.0 == "uploader_user_id" && p.3 == b"user_1")
        );
        assert_eq!(app.client_id, "client_1");
    }

    #[tokio::test]
    async fn upload_logo_refuses_a_type_the_api_does_not_take() {
        let server = TestServer::replying(200, &application().to_string()).await;
        let result = strict(&server)
            .oauth_applications()
            .upload_logo("oa_1", Upload::new(vec![0; 4], "logo.svg", "image/svg+xml"))
            .send()
            .await;
        assert!(matches!(result, Err(Error::Validation(_))), "{result:?}");
        assert!(server.requests().is_empty(), "nothing is sent");
    }
}

mod enterprise_connections {
    use super::*;

    #[tokio::test]
    async fn create_sends_the_provider_and_domains() {
        let connection = json!({
            "object": "enterprise_connection", "id": "entconn_1", "name": "Acme SSO",
            "provider": "saml_okta", "active": false, "domains": ["acme.example"],
            "authenticatable": true, "disable_jit_provisioning": false,
            "created_at": T, "updated_at": T
        });
        let (connection, request) = exchange(connection, |c| async move {
            c.enterprise_connections()
                .create(
                    ["acme.example"],
                    "Acme SSO",
                    EnterpriseConnectionsCreateBodyProvider::SamlOkta,
                )
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/enterprise_connections");
        assert_json_body(
            &request,
            json!({"name": "Acme SSO", "provider": "saml_okta", "domains": ["acme.example"]}),
        );
        assert_eq!(connection.domains, ["acme.example"]);
    }
}

mod commerce_and_billing {
    use super::*;

    #[tokio::test]
    async fn list_plans_filters_by_payer() {
        let page = json!({"data": [], "total_count": 0});
        let (page, request) = exchange(page, |c| async move {
            c.commerce()
                .list_plans()
                .payer_type(CommerceListPlansPayerType::Org)
                .send()
                .await
        })
        .await;
        assert_line(&request, "GET", "/commerce/plans");
        assert_query(&request, &[("payer_type", "org")]);
        assert_eq!(page.total_count, 0);
    }

    #[tokio::test]
    async fn remove_discount_addresses_both_ids() {
        let redemption = json!({
            "object": "commerce_discount_redemption", "id": "dr_1", "subscription_item_id": "csi_1",
            "discount_id": "disc_1", "source": "manual", "cycles_applied": 1,
            "redeemed_at": T, "status": "removed"
        });
        let (redemption, request) = exchange(redemption, |c| async move {
            c.billing().remove_discount("csi_1", "disc_1").send().await
        })
        .await;
        assert_line(
            &request,
            "DELETE",
            "/billing/subscription_items/csi_1/discounts/disc_1",
        );
        assert_no_body(&request);
        assert_eq!(redemption.discount_id, "disc_1");
    }
}

mod waitlist_and_testing {
    use super::*;

    #[tokio::test]
    async fn waitlist_create_sends_the_address() {
        let entry = json!({
            "object": "waitlist_entry", "id": "wle_1", "email_address": "lin@example.com",
            "status": "pending", "is_locked": false, "created_at": T, "updated_at": T
        });
        let (entry, request) = exchange(entry, |c| async move {
            c.waitlist_entries()
                .create("lin@example.com")
                .notify(true)
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/waitlist_entries");
        assert_json_body(
            &request,
            json!({"email_address": "lin@example.com", "notify": true}),
        );
        assert_eq!(entry.id, "wle_1");
    }

    #[tokio::test]
    async fn testing_token_has_no_body() {
        let token = json!({"object": "testing_token", "token": "1713-abc", "expires_at": T});
        let (token, request) = exchange(token, |c| async move {
            c.testing_tokens().create().send().await
        })
        .await;
        assert_line(&request, "POST", "/testing_tokens");
        assert!(request.body.is_empty());
        assert_eq!(request.header("content-length"), Some("0"));
        assert_eq!(token.token, "1713-abc");
    }
}

mod svix_and_templates {
    use super::*;

    #[tokio::test]
    async fn svix_dashboard_url_is_read() {
        let url = json!({"svix_url": "https://app.svix.com/login#key=abc"});
        let (url, request) = exchange(url, |c| async move {
            c.svix().create_dashboard_url().send().await
        })
        .await;
        assert_line(&request, "POST", "/webhooks/svix_url");
        assert_eq!(url.svix_url, "https://app.svix.com/login#key=abc");
    }

    #[tokio::test]
    #[allow(deprecated)]
    async fn toggle_delivery_addresses_the_template() {
        let template = json!({
            "object": "template", "id": "tmpl_1", "slug": "verification_code",
            "template_type": "email", "delivered_by_clerk": false, "created_at": T, "updated_at": T
        });
        let (template, request) = exchange(template, |c| async move {
            c.email_sms_templates()
                .toggle_delivery(
                    EmailSmsTemplatesToggleDeliveryTemplateType::Email,
                    "verification_code",
                )
                .delivered_by_clerk(false)
                .send()
                .await
        })
        .await;
        assert_line(
            &request,
            "POST",
            "/templates/email/verification_code/toggle_delivery",
        );
        assert_json_body(&request, json!({"delivered_by_clerk": false}));
        assert_eq!(template.delivered_by_clerk, Some(false));
    }
}

mod admin_portal_and_beta {
    use super::*;

    #[tokio::test]
    async fn admin_portal_link_token_is_created_for_an_organization() {
        let token = json!({
            "object": "admin_portal_link_token", "id": "aplt_1", "admin_portal_link_id": "apl_1",
            "instance_id": "ins_1", "organization_id": "org_1", "it_contact_id": null,
            "scopes": ["sso"], "token": "aplt_secret", "url": "https://admin.example.test/x",
            "revoked": false, "revocation_reason": null, "expired": false, "expiration": null,
            "created_at": T, "updated_at": T
        });
        let (token, request) = exchange(token, |c| async move {
            c.admin_portal_link_tokens()
                .create()
                .organization_id("org_1")
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/admin_portal_link_tokens");
        assert_json_body(&request, json!({"organization_id": "org_1"}));
        assert_eq!(token.token, "aplt_secret");
    }

    #[tokio::test]
    async fn beta_instance_settings_send_only_what_is_set() {
        let (_, request) = exchange(json!({}), |c| async move {
            c.beta_features()
                .update_instance_settings()
                .progressive_sign_up(true)
                .send()
                .await
        })
        .await;
        assert_line(&request, "PATCH", "/beta_features/instance_settings");
        assert_json_body(&request, json!({"progressive_sign_up": true}));
    }
}

mod beyond_the_listing_in_listed_groups {
    use super::*;

    #[tokio::test]
    async fn users_ban_many_sends_the_ids() {
        let (users, request) = exchange(json!([object("user.json")]), |c| async move {
            c.users().ban_many(["user_1", "user_2"]).send().await
        })
        .await;
        assert_line(&request, "POST", "/users/ban");
        assert_json_body(&request, json!({"user_ids": ["user_1", "user_2"]}));
        assert_eq!(users.len(), 1);
    }

    #[tokio::test]
    async fn sessions_create_names_the_user() {
        let (session, request) = exchange(object("session.json"), |c| async move {
            c.sessions().create("user_1").send().await
        })
        .await;
        assert_line(&request, "POST", "/sessions");
        assert_json_body(&request, json!({"user_id": "user_1"}));
        assert!(!session.id.is_empty());
    }

    #[tokio::test]
    async fn organization_metadata_is_replaced() {
        let (organization, request) = exchange(object("organization.json"), |c| async move {
            let mut public = serde_json::Map::new();
            public.insert("tier".into(), json!("gold"));
            c.organizations()
                .replace_metadata("org_1")
                .public_metadata(public)
                .send()
                .await
        })
        .await;
        assert_line(&request, "PUT", "/organizations/org_1/metadata");
        assert_json_body(&request, json!({"public_metadata": {"tier": "gold"}}));
        assert!(!organization.id.is_empty());
    }

    #[tokio::test]
    async fn sign_ups_get_addresses_the_attempt() {
        let (sign_up, request) = exchange(object("sign_up.json"), |c| async move {
            c.sign_ups().get("sua_1").send().await
        })
        .await;
        assert_line(&request, "GET", "/sign_ups/sua_1");
        assert_no_body(&request);
        assert!(!sign_up.id.is_empty());
    }

    #[tokio::test]
    async fn instance_memberships_are_listed() {
        let page = json!({"data": [object("organization_membership.json")], "total_count": 1});
        let (page, request) = exchange(page, |c| async move {
            c.organization_memberships()
                .list_all()
                .limit(5)
                .send()
                .await
        })
        .await;
        assert_line(&request, "GET", "/organization_memberships");
        assert_query(&request, &[("limit", "5")]);
        assert_eq!(page.total_count, 1);
    }
}

mod miscellaneous {
    use super::*;

    #[tokio::test]
    async fn interstitial_asks_for_html_and_returns_it() {
        let html = "<!doctype html><title>Clerk</title>";
        let server = TestServer::start(vec![Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: html.into(),
            delay: std::time::Duration::ZERO,
        }])
        .await;
        let page = strict(&server)
            .miscellaneous()
            .interstitial()
            .publishable_key("pk_test_abc")
            .send()
            .await
            .expect("the page");
        let request = server.only_request();
        assert_line(&request, "GET", "/public/interstitial");
        assert_query(&request, &[("publishable_key", "pk_test_abc")]);
        assert_eq!(request.header("accept"), Some("text/html"));
        assert_eq!(
            request.header("authorization"),
            None,
            "a public operation gets no secret key"
        );
        assert_eq!(page, html);
    }
}
