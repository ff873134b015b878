//! The event log: service events in ECS's wording, instance and action events, filterable,
//! each linked to its moment on the timeline.

use stevedore_sim::time::format_clock;
use stevedore_sim::Sim;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Entries rendered at most (newest first); the filter narrows before the cut.
const SHOWN: usize = 300;

pub fn view(sim: &Sim, filter: &str, on_filter: Callback<String>, seek: &Callback<u64>) -> Html {
    let needle = filter.to_lowercase();
    let entries: Vec<_> = sim
        .log
        .iter()
        .rev()
        .filter(|e| e.kind != "task" && e.kind != "targetGroup")
        .filter(|e| needle.is_empty() || e.message.to_lowercase().contains(&needle) || e.subject.to_lowercase().contains(&needle))
        .take(SHOWN)
        .collect();
    let oninput = on_filter.reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    html! {
        <section class="event-log" id="event-log">
            <h2>{ "Events" }</h2>
            <input type="search" class="filter" placeholder="Filter events (e.g. unable, web, draining)" value={filter.to_string()} {oninput} aria-label="Filter events" />
            <ol class="entries">
                { for entries.into_iter().map(|e| {
                    let at = e.at;
                    let onclick = seek.reform(move |_| at);
                    html! {
                        <li class={classes!("entry", e.kind)}>
                            <button class="time" {onclick} title="Jump to this moment">{ format_clock(e.at) }</button>
                            <span class="message">
                                // Service events name their service; others need their subject.
                                if e.kind != "service" { <strong>{ format!("{}: ", short_subject(&e.subject)) }</strong> }
                                { &e.message }
                            </span>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}

/// Task ids are 32 hex digits: the first 12 name a task well enough in a log line.
fn short_subject(subject: &str) -> &str {
    if subject.len() == 32 && subject.bytes().all(|b| b.is_ascii_hexdigit()) {
        &subject[..12]
    } else {
        subject
    }
}
