//! The audit chain under concurrent writers: every audited action appends through a
//! transaction, so many at once all succeed and the chain stays whole (issue 14).

use roundtable_app::domain::platform::audit;
use roundtable_app::domain::platform::entities::audit_log;
use roundtable_app::model::audit::AuditAction;
use roundtable_app::model::ids::ConsultationId;
use roundtable_app::model::viewer::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

use crate::fixtures::{
    ConsultationBuilder, ConsultationThings, allow_many_posts, create_council, create_person,
};
use crate::harness::{TestApp, client, db_tests, signed_in_client};

/// Of each kind of audited action, how many run at once.
const EACH: usize = 50;

/// Rows of `action` in both chains (attributed, and the councils' unattributed ones).
async fn rows_of(app: &TestApp, action: AuditAction) -> u64 {
    use roundtable_app::domain::platform::entities::audit_unattributed;
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action.code()))
        .count(&app.db)
        .await
        .expect("counts")
        + audit_unattributed::Entity::find()
            .filter(audit_unattributed::Column::Action.eq(action.code()))
            .count(&app.db)
            .await
            .expect("counts")
}

db_tests! {
    async fn concurrent_audited_actions_all_succeed_and_the_chain_holds(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        let a = create_council(&app, "a").await;
        let b = create_council(&app, "b").await;
        let staff = create_person(&app, a, "Sec", "sec@example.org", &[Role::Secretariat]).await;
        let member = create_person(&app, a, "Ana", "ana@example.org", &[Role::Member]).await;
        create_person(&app, b, "Ana", "ana@example.org", &[Role::Member]).await;
        let open = ConsultationBuilder::new(a)
            .title("Open")
            .phase(roundtable_app::model::consultation::Phase::Open)
            .insert(&app)
            .await;
        let things = ConsultationThings::arrange(&app, a, staff, member, open.0).await;
        // One member posts EACH comments at once: the council's fair-use limits are raised so
        // this test measures the audit chains, not the posting limits.
        allow_many_posts(&app, a).await;
        let people: Value = app.call("/fn/demo/people", &[]).await.json().await.expect("json");
        let demo_person = people.as_array().expect("a list")[0]["id"].as_str().expect("an id").to_owned();

        // Every client is made (and every session stored) before the calls start.
        let mut signing_out = Vec::new();
        let mut switching = Vec::new();
        let mut posting = Vec::new();
        for _ in 0..EACH {
            signing_out.push(signed_in_client(&app, member, a, false).await);
            switching.push(signed_in_client(&app, member, a, false).await);
            posting.push(signed_in_client(&app, member, a, false).await);
        }
        let signing_in: Vec<reqwest::Client> = (0..EACH).map(|_| client(&app.base)).collect();
        let before = [
            rows_of(&app, AuditAction::SignIn).await,
            rows_of(&app, AuditAction::SignOut).await,
            rows_of(&app, AuditAction::CouncilSwitched).await,
            rows_of(&app, AuditAction::CommentPosted).await,
        ];

        let (council_b, consultation, section) = (b.0.to_string(), ConsultationId(open.0).to_string(), things.section.to_string());
        let call = |c: reqwest::Client, path: &'static str, form: Vec<(&'static str, String)>| {
            let url = app.url(path);
            async move {
                let res = c.post(url).header("accept", "application/json").form(&form).send().await.expect("POST");
                let status = res.status().as_u16();
                (path, status, res.text().await.unwrap_or_default())
            }
        };
        let mut calls = tokio::task::JoinSet::new();
        for c in signing_in {
            calls.spawn(call(c, "/fn/demo/sign-in", vec![("person", demo_person.clone())]));
        }
        for c in signing_out {
            calls.spawn(call(c, "/fn/session/sign-out", vec![]));
        }
        for c in switching {
            calls.spawn(call(c, "/fn/session/council", vec![("council", council_b.clone())]));
        }
        for (i, c) in posting.into_iter().enumerate() {
            calls.spawn(call(c, "/fn/comments/post", vec![
                ("consultation", consultation.clone()),
                ("section", section.clone()),
                ("fields[body]", format!("Concurrent comment {i}.")),
                // Both chains at once: named posts go to the main chain, the others to the
                // council's unattributed one.
                ("fields[attribution]", ["named", "pseudonym", "anonymous"][i % 3].to_owned()),
            ]));
        }
        let results = calls.join_all().await;
        let failed: Vec<_> = results.iter().filter(|(_, status, _)| *status != 200).collect();
        assert!(failed.is_empty(), "{} of {} calls failed: {failed:?}", failed.len(), results.len());

        let after = [
            rows_of(&app, AuditAction::SignIn).await,
            rows_of(&app, AuditAction::SignOut).await,
            rows_of(&app, AuditAction::CouncilSwitched).await,
            rows_of(&app, AuditAction::CommentPosted).await,
        ];
        let each = EACH as u64;
        assert_eq!(after, before.map(|n| n + each), "one audit row per action (sign-in, sign-out, switch, post)");
        let rows = audit::verify(&app.db).await.expect("the chain is whole");
        assert!(rows >= 4 * EACH as i64, "{rows} rows verified");
        // The unattributed chain is checked too: an edited row is found. Council a's row only:
        // the demo councils have chains of their own, and the order in which verify walks the
        // councils is the database's.
        use roundtable_app::domain::platform::entities::audit_unattributed;
        use sea_orm::sea_query::Expr;
        let first = audit_unattributed::Entity::find()
            .filter(audit_unattributed::Column::CouncilId.eq(a.0))
            .filter(audit_unattributed::Column::Seq.eq(1))
            .one(&app.db).await.expect("query").expect("an unattributed row");
        assert_eq!(first.day.len(), 10, "the day only");
        audit_unattributed::Entity::update_many()
            .col_expr(audit_unattributed::Column::Details, Expr::value("{\"edited\":true}"))
            .filter(audit_unattributed::Column::CouncilId.eq(a.0))
            .filter(audit_unattributed::Column::Seq.eq(1))
            .exec(&app.db).await.expect("tampers");
        assert_eq!(
            audit::verify(&app.db).await,
            Err(audit::ChainBreak::Unattributed { council: first.council_id, seq: 1 })
        );
    }
}
