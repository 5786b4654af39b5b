//! One wire-level test per operation: the exact request the client sends (method, path, query,
//! headers, body or multipart parts) and the decoding of a realistic response.

mod support;

use std::future::Future;

use clerk_backend_api::types::{
    EmailAddressVerification, PhoneNumberVerification, SamlConnectionsCreateBodyAttributeMapping,
    SamlConnectionsCreateBodyProvider, SessionStatus, SessionsListStatus,
    SignUpVerificationNextAction,
};
use clerk_backend_api::{Client, Error, Upload};
use serde_json::json;
use support::{Recorded, TestServer, array_of, assert_standard_headers, fixture};

/// Runs one call against a server that answers `status` with `body`, and returns the decoded
/// value and the one request the server saw.
async fn exchange<T, F, Fut>(body: String, call: F) -> (T, Recorded)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let server = TestServer::replying(200, &body).await;
    let value = call(server.client())
        .await
        .unwrap_or_else(|e| panic!("the call failed: {e}"));
    let request = server.only_request();
    assert_standard_headers(&request);
    (value, request)
}

fn assert_line(request: &Recorded, method: &str, path: &str) {
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        (method, path)
    );
}

fn assert_no_body(request: &Recorded) {
    assert!(
        request.body.is_empty(),
        "unexpected body {:?}",
        String::from_utf8_lossy(&request.body)
    );
    assert_eq!(request.header("content-type"), None);
}

fn assert_json_body(request: &Recorded, expected: serde_json::Value) {
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.json(), expected);
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn page(item: &str, total: usize) -> String {
    format!(r#"{{"data": [{}], "total_count": {total}}}"#, fixture(item))
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

mod organization_memberships {
    use super::*;

    #[tokio::test]
    async fn list_sends_paging_and_order() {
        let (page, request) = exchange(page("organization_membership.json", 7), |c| async move {
            c.organization_memberships()
                .list("org_1")
                .limit(2)
                .offset(4)
                .order_by("-created_at")
                .send()
                .await
        })
        .await;
        assert_line(&request, "GET", "/organizations/org_1/memberships");
        assert_eq!(
            request.query,
            pairs(&[("limit", "2"), ("offset", "4"), ("order_by", "-created_at")])
        );
        assert_no_body(&request);
        assert_eq!(page.total_count, 7);
        assert_eq!(page.data[0].role, "org:admin");
        assert_eq!(page.data[0].organization.slug, "analytical-engines");
    }

    #[tokio::test]
    async fn create_sends_role_and_user() {
        let (membership, request) =
            exchange(fixture("organization_membership.json"), |c| async move {
                c.organization_memberships()
                    .create("org_1", "user_1", "org:member")
                    .send()
                    .await
            })
            .await;
        assert_line(&request, "POST", "/organizations/org_1/memberships");
        assert_json_body(&request, json!({"role": "org:member", "user_id": "user_1"}));
        assert_eq!(
            membership
                .public_user_data
                .expect("user data")
                .identifier
                .as_deref(),
            Some("ada@example.com")
        );
    }

    #[tokio::test]
    async fn delete_addresses_the_membership() {
        let (membership, request) =
            exchange(fixture("organization_membership.json"), |c| async move {
                c.organization_memberships()
                    .delete("org_1", "user_1")
                    .send()
                    .await
            })
            .await;
        assert_line(
            &request,
            "DELETE",
            "/organizations/org_1/memberships/user_1",
        );
        assert_no_body(&request);
        assert_eq!(membership.id, "orgmem_2xK9aE5fG6");
    }

    #[tokio::test]
    async fn update_sends_the_new_role() {
        let (_, request) = exchange(fixture("organization_membership.json"), |c| async move {
            c.organization_memberships()
                .update("org_1", "user_1", "org:admin")
                .send()
                .await
        })
        .await;
        assert_line(&request, "PATCH", "/organizations/org_1/memberships/user_1");
        assert_json_body(&request, json!({"role": "org:admin"}));
    }

    #[tokio::test]
    async fn merge_metadata_sends_only_what_is_set() {
        let (_, request) = exchange(fixture("organization_membership.json"), |c| async move {
            let public = json!({"team": "core", "stale": null})
                .as_object()
                .cloned()
                .expect("an object");
            c.organization_memberships()
                .merge_metadata("org_1", "user_1")
                .public_metadata(public)
                .send()
                .await
        })
        .await;
        assert_line(
            &request,
            "PATCH",
            "/organizations/org_1/memberships/user_1/metadata",
        );
        assert_json_body(
            &request,
            json!({"public_metadata": {"team": "core", "stale": null}}),
        );
    }
}

mod organizations {
    use super::*;

    #[tokio::test]
    async fn list_sends_filters() {
        let (page, request) = exchange(page("organization.json", 1), |c| async move {
            c.organizations()
                .list()
                .include_members_count(true)
                .query("engines")
                .limit(10)
                .send()
                .await
        })
        .await;
        assert_line(&request, "GET", "/organizations");
        assert_eq!(
            request.query,
            pairs(&[
                ("limit", "10"),
                ("include_members_count", "true"),
                ("query", "engines")
            ])
        );
        assert_eq!(page.data[0].members_count, Some(3));
    }

    #[tokio::test]
    async fn create_sends_required_and_optional_fields() {
        let (organization, request) = exchange(fixture("organization.json"), |c| async move {
            c.organizations()
                .create("user_1", "Analytical Engines")
                .slug("analytical-engines")
                .max_allowed_memberships(25)
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/organizations");
        assert_json_body(
            &request,
            json!({"name": "Analytical Engines", "slug": "analytical-engines", "created_by": "user_1", "max_allowed_memberships": 25}),
        );
        assert_eq!(organization.public_metadata["tier"], "gold");
    }

    #[tokio::test]
    async fn delete_decodes_the_deleted_object() {
        let (deleted, request) = exchange(fixture("deleted_object.json"), |c| async move {
            c.organizations().delete("org_1").send().await
        })
        .await;
        assert_line(&request, "DELETE", "/organizations/org_1");
        assert_no_body(&request);
        assert!(deleted.deleted);
    }

    #[tokio::test]
    async fn get_accepts_a_slug() {
        let (organization, request) = exchange(fixture("organization.json"), |c| async move {
            c.organizations().get("analytical-engines").send().await
        })
        .await;
        assert_line(&request, "GET", "/organizations/analytical-engines");
        assert_eq!(organization.id, "org_2xK9aB3cD4");
    }

    #[tokio::test]
    async fn update_sends_changed_fields() {
        let (_, request) = exchange(fixture("organization.json"), |c| async move {
            c.organizations()
                .update("org_1")
                .name("Difference Engines")
                .admin_delete_enabled(false)
                .send()
                .await
        })
        .await;
        assert_line(&request, "PATCH", "/organizations/org_1");
        assert_json_body(
            &request,
            json!({"name": "Difference Engines", "admin_delete_enabled": false}),
        );
    }

    #[tokio::test]
    async fn delete_logo_addresses_the_logo() {
        let (organization, request) = exchange(fixture("organization.json"), |c| async move {
            c.organizations().delete_logo("org_1").send().await
        })
        .await;
        assert_line(&request, "DELETE", "/organizations/org_1/logo");
        assert!(!organization.has_image);
    }

    #[tokio::test]
    async fn upload_logo_sends_a_multipart_file() {
        let (organization, request) =
            exchange(fixture("organization_with_logo.json"), |c| async move {
                let logo = Upload::new(PNG, "logo.png", "image/png");
                c.organizations()
                    .upload_logo("org_1", "user_1", logo)
                    .send()
                    .await
            })
            .await;
        assert_line(&request, "PUT", "/organizations/org_1/logo");
        assert!(
            request
                .header("content-type")
                .is_some_and(|t| t.starts_with("multipart/form-data; boundary="))
        );
        let parts = request.multipart();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            parts[0],
            (
                "file".into(),
                Some("logo.png".into()),
                Some("image/png".into()),
                PNG.to_vec()
            )
        );
        assert_eq!(
            parts[1],
            ("uploader_user_id".into(), None, None, b"user_1".to_vec())
        );
        #[allow(deprecated)]
        let logo_url = organization.logo_url.as_deref();
        assert_eq!(logo_url, Some("https://img.example.test/logo.png"));
    }

    #[tokio::test]
    async fn merge_metadata_sends_both_metadata_kinds() {
        let (_, request) = exchange(fixture("organization.json"), |c| async move {
            let public = json!({"tier": "gold"})
                .as_object()
                .cloned()
                .expect("an object");
            let private = json!({"billing": {"id": 7}})
                .as_object()
                .cloned()
                .expect("an object");
            c.organizations()
                .merge_metadata("org_1")
                .public_metadata(public)
                .private_metadata(private)
                .send()
                .await
        })
        .await;
        assert_line(&request, "PATCH", "/organizations/org_1/metadata");
        assert_json_body(
            &request,
            json!({"public_metadata": {"tier": "gold"}, "private_metadata": {"billing": {"id": 7}}}),
        );
    }
}

mod phone_numbers {
    use super::*;

    #[tokio::test]
    async fn create_sends_the_number() {
        let (number, request) = exchange(fixture("phone_number.json"), |c| async move {
            c.phone_numbers()
                .create()
                .user_id("user_1")
                .phone_number("+15555550100")
                .verified(true)
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/phone_numbers");
        assert_json_body(
            &request,
            json!({"user_id": "user_1", "verified": true, "phone_number": "+15555550100"}),
        );
        assert!(matches!(
            number.verification,
            Some(PhoneNumberVerification::VerificationOtp(_))
        ));
        assert_eq!(
            number.backup_codes.as_deref(),
            Some(&["a1b2c3".to_owned(), "d4e5f6".to_owned()][..])
        );
    }

    #[tokio::test]
    async fn delete_addresses_the_number() {
        let (deleted, request) = exchange(fixture("deleted_object.json"), |c| async move {
            c.phone_numbers().delete("idn_1").send().await
        })
        .await;
        assert_line(&request, "DELETE", "/phone_numbers/idn_1");
        assert_eq!(deleted.object, "user");
    }

    #[tokio::test]
    async fn get_decodes_the_number() {
        let (number, request) = exchange(fixture("phone_number.json"), |c| async move {
            c.phone_numbers().get("idn_1").send().await
        })
        .await;
        assert_line(&request, "GET", "/phone_numbers/idn_1");
        assert_no_body(&request);
        assert_eq!(number.phone_number, "+15555550100");
    }

    #[tokio::test]
    async fn update_sends_flags() {
        let (_, request) = exchange(fixture("phone_number.json"), |c| async move {
            c.phone_numbers()
                .update("idn_1")
                .primary(true)
                .reserved_for_second_factor(false)
                .send()
                .await
        })
        .await;
        assert_line(&request, "PATCH", "/phone_numbers/idn_1");
        assert_json_body(
            &request,
            json!({"primary": true, "reserved_for_second_factor": false}),
        );
    }
}

mod proxy_checks {
    use super::*;

    #[tokio::test]
    async fn verify_sends_domain_and_url() {
        let (check, request) = exchange(fixture("proxy_check.json"), |c| async move {
            c.proxy_checks()
                .verify()
                .domain_id("dmn_1")
                .proxy_url("https://example.com/__clerk")
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/proxy_checks");
        assert_json_body(
            &request,
            json!({"domain_id": "dmn_1", "proxy_url": "https://example.com/__clerk"}),
        );
        assert!(check.successful);
    }
}

mod redirect_urls {
    use super::*;

    #[tokio::test]
    async fn list_decodes_a_bare_array() {
        let (urls, request) = exchange(array_of("redirect_url.json", 2), |c| async move {
            c.redirect_urls().list().send().await
        })
        .await;
        assert_line(&request, "GET", "/redirect_urls");
        assert!(request.query.is_empty());
        assert_eq!(urls.len(), 2);
    }

    #[tokio::test]
    async fn create_sends_the_url() {
        let (url, request) = exchange(fixture("redirect_url.json"), |c| async move {
            c.redirect_urls()
                .create()
                .url("https://example.com/after-sign-in")
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/redirect_urls");
        assert_json_body(
            &request,
            json!({"url": "https://example.com/after-sign-in"}),
        );
        assert_eq!(url.id, "ru_2xKcc3");
    }

    #[tokio::test]
    async fn delete_addresses_the_url() {
        let (_, request) = exchange(fixture("deleted_object.json"), |c| async move {
            c.redirect_urls().delete("ru_1").send().await
        })
        .await;
        assert_line(&request, "DELETE", "/redirect_urls/ru_1");
    }

    #[tokio::test]
    async fn get_addresses_the_url() {
        let (url, request) = exchange(fixture("redirect_url.json"), |c| async move {
            c.redirect_urls().get("ru_1").send().await
        })
        .await;
        assert_line(&request, "GET", "/redirect_urls/ru_1");
        assert_eq!(url.url, "https://example.com/after-sign-in");
    }
}

mod saml_connections {
    use super::*;

    #[tokio::test]
    async fn list_sends_paging() {
        let (page, request) = exchange(page("saml_connection.json", 1), |c| async move {
            c.saml_connections().list().limit(1).offset(0).send().await
        })
        .await;
        assert_line(&request, "GET", "/saml_connections");
        assert_eq!(request.query, pairs(&[("limit", "1"), ("offset", "0")]));
        assert_eq!(
            page.data[0]
                .attribute_mapping
                .as_ref()
                .expect("a mapping")
                .email_address,
            "mail"
        );
    }

    #[tokio::test]
    async fn create_nests_the_attribute_mapping() {
        let (connection, request) = exchange(fixture("saml_connection.json"), |c| async move {
            let mapping = SamlConnectionsCreateBodyAttributeMapping {
                email_address: Some("mail".into()),
                ..Default::default()
            };
            c.saml_connections()
                .create(
                    "work.example.com",
                    "Okta",
                    SamlConnectionsCreateBodyProvider::SamlOkta,
                )
                .idp_metadata_url("https://example.okta.com/metadata")
                .attribute_mapping(mapping)
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/saml_connections");
        assert_json_body(
            &request,
            json!({
                "name": "Okta",
                "domain": "work.example.com",
                "provider": "saml_okta",
                "idp_metadata_url": "https://example.okta.com/metadata",
                "attribute_mapping": {"email_address": "mail"}
            }),
        );
        assert_eq!(connection.user_count, 12);
    }

    #[tokio::test]
    async fn delete_addresses_the_connection() {
        let (_, request) = exchange(fixture("deleted_object.json"), |c| async move {
            c.saml_connections().delete("samlc_1").send().await
        })
        .await;
        assert_line(&request, "DELETE", "/saml_connections/samlc_1");
    }

    #[tokio::test]
    async fn get_addresses_the_connection() {
        let (connection, request) = exchange(fixture("saml_connection.json"), |c| async move {
            c.saml_connections().get("samlc_1").send().await
        })
        .await;
        assert_line(&request, "GET", "/saml_connections/samlc_1");
        assert_eq!(connection.provider, "saml_okta");
    }

    #[tokio::test]
    async fn update_can_clear_nullable_fields() {
        let (_, request) = exchange(fixture("saml_connection.json"), |c| async move {
            c.saml_connections()
                .update("samlc_1")
                .active(false)
                .clear_idp_metadata_url()
                .send()
                .await
        })
        .await;
        assert_line(&request, "PATCH", "/saml_connections/samlc_1");
        assert_json_body(&request, json!({"active": false, "idp_metadata_url": null}));
    }
}

mod sessions {
    use super::*;

    #[tokio::test]
    async fn list_sends_filters_and_decodes_a_bare_array() {
        let (sessions, request) = exchange(array_of("session.json", 1), |c| async move {
            c.sessions()
                .list()
                .user_id("user_1")
                .status(SessionsListStatus::Active)
                .limit(5)
                .send()
                .await
        })
        .await;
        assert_line(&request, "GET", "/sessions");
        assert_eq!(
            request.query,
            pairs(&[("user_id", "user_1"), ("status", "active"), ("limit", "5")])
        );
        assert_eq!(sessions[0].status, SessionStatus::Active);
    }

    #[tokio::test]
    async fn get_addresses_the_session() {
        let (session, request) = exchange(fixture("session.json"), |c| async move {
            c.sessions().get("sess_1").send().await
        })
        .await;
        assert_line(&request, "GET", "/sessions/sess_1");
        assert_eq!(
            session.latest_activity.expect("activity").city.as_deref(),
            Some("London")
        );
    }

    #[tokio::test]
    async fn revoke_posts_without_a_body() {
        let (_, request) = exchange(fixture("session.json"), |c| async move {
            c.sessions().revoke("sess_1").send().await
        })
        .await;
        assert_line(&request, "POST", "/sessions/sess_1/revoke");
        assert_no_body(&request);
    }

    #[tokio::test]
    async fn create_token_from_template_addresses_the_template() {
        let (token, request) = exchange(fixture("token.json"), |c| async move {
            c.sessions()
                .create_token_from_template("sess_1", "custom_hasura")
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/sessions/sess_1/tokens/custom_hasura");
        assert!(token.jwt.starts_with("eyJ"));
    }
}

mod sign_in_tokens {
    use super::*;

    #[tokio::test]
    async fn create_sends_user_and_lifetime() {
        let (token, request) = exchange(fixture("sign_in_token.json"), |c| async move {
            c.sign_in_tokens()
                .create()
                .user_id("user_1")
                .expires_in_seconds(600)
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/sign_in_tokens");
        assert_json_body(
            &request,
            json!({"user_id": "user_1", "expires_in_seconds": 600}),
        );
        assert!(token.url.is_some());
    }

    #[tokio::test]
    async fn revoke_addresses_the_token() {
        let (_, request) = exchange(fixture("sign_in_token.json"), |c| async move {
            c.sign_in_tokens().revoke("sit_1").send().await
        })
        .await;
        assert_line(&request, "POST", "/sign_in_tokens/sit_1/revoke");
        assert_no_body(&request);
    }
}

mod sign_ups {
    use super::*;

    #[tokio::test]
    async fn update_sends_fields() {
        let (sign_up, request) = exchange(fixture("sign_up.json"), |c| async move {
            c.sign_ups()
                .update("sua_1")
                .external_id("crm-2001")
                .custom_action(true)
                .send()
                .await
        })
        .await;
        assert_line(&request, "PATCH", "/sign_ups/sua_1");
        assert_json_body(
            &request,
            json!({"external_id": "crm-2001", "custom_action": true}),
        );
        let email = sign_up
            .verifications
            .email_address
            .expect("an email verification");
        assert_eq!(
            email.next_action,
            Some(SignUpVerificationNextAction::NeedsAttempt)
        );
        assert!(sign_up.verifications.phone_number.is_none());
    }
}

mod users {
    use super::*;

    #[tokio::test]
    async fn list_sends_array_filters_as_repeated_keys() {
        let (users, request) = exchange(array_of("user.json", 2), |c| async move {
            c.users()
                .list()
                .email_address(["ada@example.com", "grace@example.com"])
                .user_id(["-user_9"])
                .last_active_at_since(1_700_690_400_000)
                .order_by("-created_at")
                .send()
                .await
        })
        .await;
        assert_line(&request, "GET", "/users");
        assert_eq!(
            request.query,
            pairs(&[
                ("email_address", "ada@example.com"),
                ("email_address", "grace@example.com"),
                ("user_id", "-user_9"),
                ("last_active_at_since", "1700690400000"),
                ("order_by", "-created_at"),
            ])
        );
        assert_eq!(users.len(), 2);
        let user = &users[0];
        assert!(matches!(
            user.email_addresses[0].verification,
            Some(EmailAddressVerification::VerificationOtp(_))
        ));
        assert!(
            matches!(&user.email_addresses[1].verification, Some(EmailAddressVerification::Unknown(v)) if v["strategy"] == "telepathy"),
            "an unknown verification kind is kept as JSON"
        );
        assert_eq!(
            user.saml_accounts[0]
                .saml_connection
                .as_ref()
                .expect("a connection")
                .name,
            "Okta"
        );
    }

    #[tokio::test]
    async fn create_sends_identifiers_as_arrays() {
        let (user, request) = exchange(fixture("user.json"), |c| async move {
            c.users()
                .create()
                .email_address(["ada@example.com"])
                .first_name("Ada")
                .skip_password_requirement(true)
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/users");
        assert_json_body(
            &request,
            json!({"first_name": "Ada", "email_address": ["ada@example.com"], "skip_password_requirement": true}),
        );
        assert_eq!(user.username.as_deref(), Some("ada"));
    }

    #[tokio::test]
    async fn count_sends_filters() {
        let (count, request) = exchange(fixture("total_count.json"), |c| async move {
            c.users()
                .count()
                .query("ada")
                .username(["ada", "grace"])
                .send()
                .await
        })
        .await;
        assert_line(&request, "GET", "/users/count");
        assert_eq!(
            request.query,
            pairs(&[("username", "ada"), ("username", "grace"), ("query", "ada")])
        );
        assert_eq!(count.total_count, 1042);
    }

    #[tokio::test]
    async fn delete_addresses_the_user() {
        let (deleted, request) = exchange(fixture("deleted_object.json"), |c| async move {
            c.users().delete("user_1").send().await
        })
        .await;
        assert_line(&request, "DELETE", "/users/user_1");
        assert_eq!(deleted.id.as_deref(), Some("user_2xK8pQ4mR1vN7sT3"));
    }

    #[tokio::test]
    async fn get_decodes_the_whole_user() {
        let (user, request) = exchange(fixture("user.json"), |c| async move {
            c.users().get("user_1").send().await
        })
        .await;
        assert_line(&request, "GET", "/users/user_1");
        assert_no_body(&request);
        assert_eq!(user.first_name.as_deref(), Some("Ada"));
        assert_eq!(user.primary_web3_wallet_id, None);
        assert_eq!(user.public_metadata["seats"], 5);
        assert_eq!(user.created_at, 1_732_600_000_000);
        assert_eq!(user.email_addresses[0].linked_to[0].r#type, "oauth_google");
    }

    #[tokio::test]
    async fn update_distinguishes_null_from_absent() {
        let (_, request) = exchange(fixture("user.json"), |c| async move {
            c.users()
                .update("user_1")
                .clear_username()
                .first_name("Ada")
                .notify_primary_email_address_changed(true)
                .send()
                .await
        })
        .await;
        assert_line(&request, "PATCH", "/users/user_1");
        assert_json_body(
            &request,
            json!({"username": null, "first_name": "Ada", "notify_primary_email_address_changed": true}),
        );
    }

    #[tokio::test]
    async fn ban_posts_to_the_user() {
        let (user, request) = exchange(fixture("user.json"), |c| async move {
            c.users().ban("user_1").send().await
        })
        .await;
        assert_line(&request, "POST", "/users/user_1/ban");
        assert_no_body(&request);
        // A POST without content still states its length, as RFC 9110 asks.
        assert_eq!(request.header("content-length"), Some("0"));
        assert_eq!(user.object, "user");
    }

    #[tokio::test]
    async fn lock_posts_to_the_user() {
        let (_, request) = exchange(fixture("user.json"), |c| async move {
            c.users().lock("user_1").send().await
        })
        .await;
        assert_line(&request, "POST", "/users/user_1/lock");
    }

    #[tokio::test]
    async fn merge_metadata_sends_the_three_kinds() {
        let (_, request) = exchange(fixture("user.json"), |c| async move {
            let value = |v: serde_json::Value| v.as_object().cloned().expect("an object");
            c.users()
                .merge_metadata("user_1")
                .public_metadata(value(json!({"a": 1})))
                .unsafe_metadata(value(json!({"b": 2})))
                .private_metadata(value(json!({"c": null})))
                .send()
                .await
        })
        .await;
        assert_line(&request, "PATCH", "/users/user_1/metadata");
        assert_json_body(
            &request,
            json!({"public_metadata": {"a": 1}, "unsafe_metadata": {"b": 2}, "private_metadata": {"c": null}}),
        );
    }

    #[tokio::test]
    async fn disable_mfa_decodes_the_user_id() {
        let (answer, request) = exchange(r#"{"user_id": "user_1"}"#.to_owned(), |c| async move {
            c.users().disable_mfa("user_1").send().await
        })
        .await;
        assert_line(&request, "DELETE", "/users/user_1/mfa");
        assert_eq!(answer.user_id.as_deref(), Some("user_1"));
    }

    #[tokio::test]
    async fn get_oauth_access_token_addresses_the_provider() {
        let (tokens, request) = exchange(fixture("oauth_access_tokens.json"), |c| async move {
            c.users()
                .get_oauth_access_token("user_1", "oauth_google")
                .send()
                .await
        })
        .await;
        assert_line(
            &request,
            "GET",
            "/users/user_1/oauth_access_tokens/oauth_google",
        );
        assert_eq!(tokens[0].token, "ya29.a0AfH6SM");
        assert_eq!(tokens[0].scopes.as_deref().map(<[String]>::len), Some(2));
    }

    #[tokio::test]
    async fn list_organization_memberships_sends_paging() {
        let (page, request) = exchange(page("organization_membership.json", 1), |c| async move {
            c.users()
                .list_organization_memberships("user_1")
                .limit(50)
                .send()
                .await
        })
        .await;
        assert_line(&request, "GET", "/users/user_1/organization_memberships");
        assert_eq!(request.query, pairs(&[("limit", "50")]));
        assert_eq!(page.data.len(), 1);
    }

    #[tokio::test]
    async fn delete_profile_image_addresses_the_image() {
        let (_, request) = exchange(fixture("user.json"), |c| async move {
            c.users().delete_profile_image("user_1").send().await
        })
        .await;
        assert_line(&request, "DELETE", "/users/user_1/profile_image");
    }

    #[tokio::test]
    async fn set_profile_image_sends_a_multipart_file() {
        let (_, request) = exchange(fixture("user.json"), |c| async move {
            c.users()
                .set_profile_image("user_1", Upload::new(PNG, "ada.png", "image/png"))
                .send()
                .await
        })
        .await;
        assert_line(&request, "POST", "/users/user_1/profile_image");
        let parts = request.multipart();
        assert_eq!(
            parts,
            vec![(
                "file".into(),
                Some("ada.png".into()),
                Some("image/png".into()),
                PNG.to_vec()
            )]
        );
    }

    #[tokio::test]
    async fn unban_posts_to_the_user() {
        let (_, request) = exchange(fixture("user.json"), |c| async move {
            c.users().unban("user_1").send().await
        })
        .await;
        assert_line(&request, "POST", "/users/user_1/unban");
    }

    #[tokio::test]
    async fn unlock_posts_to_the_user() {
        let (_, request) = exchange(fixture("user.json"), |c| async move {
            c.users().unlock("user_1").send().await
        })
        .await;
        assert_line(&request, "POST", "/users/user_1/unlock");
    }
}
