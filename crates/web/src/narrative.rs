//! The lesson banner: the narrative step for the current moment, and a button to the next.

use stevedore_sim::time::{format_clock, SimTime};
use stevedore_sim::Sim;
use yew::prelude::*;

pub fn view(sim: &Sim, now: SimTime, seek: &Callback<u64>) -> Html {
    view_steps(&sim.scenario.narrative, now, seek)
}

/// The banner for any list of steps (an EKS manifest's come from its Scenario document).
pub fn view_steps(steps: &[stevedore_sim::scenario::NarrativeStep], now: SimTime, seek: &Callback<u64>) -> Html {
    if steps.is_empty() {
        return html! {};
    }
    let current = steps.iter().rposition(|s| s.at <= now);
    let next = steps.iter().find(|s| s.at > now).map(|s| s.at);
    let step = current.map(|i| &steps[i]);
    html! {
        <div class="narrative" id="narrative">
            <span class="step-count">{ format!("Step {} of {}", current.map_or(0, |i| i + 1), steps.len()) }</span>
            <div class="step-text">
                { for step.map(|s| html! { <><strong>{ &s.title }</strong>{ " " }<span>{ &s.text }</span></> }) }
            </div>
            if let Some(at) = next {
                <button id="next-step" class="tool" onclick={seek.reform(move |_| at)}>{ format!("Next step ({}) ▶", format_clock(at)) }</button>
            }
        </div>
    }
}
