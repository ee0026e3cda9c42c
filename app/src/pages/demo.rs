//! Demo sign-in: act as any demo person. Exists only in demo mode on a loopback address.

use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

use crate::api::identity::session::{DemoSignIn, demo_people};
use crate::components::error::{ErrorPage, ErrorText};
use crate::components::forms::PostForm;
use crate::components::labels::RoleLabel;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::viewer::DemoPerson;

/// The demo sign-in page at `/demo` (404 when demo mode is off).
#[component]
pub fn DemoPage() -> impl IntoView {
    let i18n = use_i18n();
    let people = Resource::new(|| (), |_| demo_people());
    // Receives the error code when a sign-in without JavaScript fails.
    let sign_in = ServerAction::<DemoSignIn>::new();
    view! {
        <Title text=t_string!(i18n, titles.demo).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match people.await {
                    Ok(people) => view! { <DemoPeople people/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
        {move || sign_in.value().get().and_then(Result::err).map(|error| view! {
            <p role="alert" class="error"><ErrorText error/></p>
        })}
    }
}

#[component]
fn DemoPeople(people: Vec<DemoPerson>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, demo.heading)}</h1>
        <p class="lead">{t!(i18n, demo.intro)}</p>
        <ul class="card-list" aria-label=move || t_string!(i18n, demo.people_label).to_string()>
            {people.into_iter().map(|p| {
                let name = p.display_name.clone();
                view! {
                    <li class="card card--row">
                        <span><strong>{p.display_name}</strong>" · "<RoleLabel role=p.role/></span>
                        <PostForm url=DemoSignIn::url()>
                            <input type="hidden" name="person" value=p.id.to_string()/>
                            <button type="submit">{t!(i18n, demo.act_as, name = move || name.clone())}</button>
                        </PostForm>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
