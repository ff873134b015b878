//! The event log: service events in ECS's wording, instance and action events, filterable,
//! each linked to its moment on the timeline. Things are named as the console names them for
//! people (service name, task id's first 8 hex digits, target group name); the full ids and
//! ARNs stay in the entry's detail. Task status changes and target health, many per instant,
//! are folded into one line per instant, so every moment the → key stops at has a line.

use stevedore_sim::time::format_clock;
use stevedore_sim::time::SimTime;
use stevedore_sim::Sim;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Rows rendered at most (newest first); the filter narrows before the cut.
const SHOWN: usize = 300;
/// How many hex digits of a task id name it in a log line (the console's short form).
const SHORT_ID: usize = 8;
/// Ids listed in a folded line's detail at most (10,000 tasks can start in one instant).
const DETAIL_MEMBERS: usize = 20;
/// A line's shortened text at most, in bytes (then "…").
const TEXT_BYTES: usize = 1200;
/// A detail's length at most, in bytes: the DOM holds it even while it is closed.
const DETAIL_BYTES: usize = 4000;

/// `head` then `text`, cut to DETAIL_BYTES (copying no more than that).
fn capped(head: &str, text: &str) -> String {
    let mut cut = DETAIL_BYTES.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let more = if cut < text.len() { " …" } else { "" };
    format!("{head}{}{more}", &text[..cut])
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub at: SimTime,
    pub kind: &'static str,
    /// Shown before the text ("web-tg: ", "task 1a2b3c4d: "); empty for service events.
    pub subject: String,
    pub text: String,
    /// The entry in full (ids, ARNs), when the text shortened it.
    pub detail: Option<String>,
    /// The task the subject names (full id): the subject links to it, stopped or not.
    pub task: Option<String>,
    /// The log index of the row's first entry: unique and stable, so the list is keyed (new
    /// rows don't rewrite every old one, and an opened detail stays with its row).
    pub key: usize,
}

fn is_hex_id(word: &str) -> bool {
    word.len() == 32 && word.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A task id's short form; any other subject unchanged.
pub fn short_subject(subject: &str) -> &str {
    if is_hex_id(subject) {
        &subject[..SHORT_ID]
    } else {
        subject
    }
}

/// One ARN or word as a person reads it: target group and service ARNs by name, task ARNs and
/// 32-digit task ids by their first 8 digits. Other ARNs (a parameter, a bucket) are the name.
fn short_word(word: &str) -> Option<String> {
    if word.len() < 32 && !word.starts_with("arn:") && !word.starts_with("(arn:") {
        return None;
    }
    let (core, tail) = match word.find([')', ',', ';', '.']) {
        // Keep trailing punctuation, but not the dots inside an ARN or a name.
        Some(i) if word[i..].chars().all(|c| matches!(c, ')' | ',' | ';' | '.')) => (&word[..i], &word[i..]),
        _ => (word, ""),
    };
    let short = if let Some(rest) = core.strip_prefix("arn:aws:elasticloadbalancing:") {
        rest.split_once(":targetgroup/").and_then(|(_, t)| t.split('/').next()).map(str::to_string)
    } else if let Some(rest) = core.strip_prefix("arn:aws:ecs:") {
        let last = rest.rsplit('/').next().unwrap_or(rest);
        (rest.contains(":task/") || rest.contains(":service/")).then(|| short_subject(last).to_string())
    } else if let Some((head, id)) = core.rsplit_once('/').filter(|(_, id)| is_hex_id(id)) {
        // arn:aws:sts::…:assumed-role/ROLE/<task id>: the session is the task.
        Some(format!("{head}/{}", &id[..SHORT_ID]))
    } else if is_hex_id(core) {
        Some(core[..SHORT_ID].to_string())
    } else {
        None
    };
    short.map(|s| format!("{s}{tail}"))
}

/// The message with ids and ARNs shortened (`None` if nothing needed it).
pub fn shorten(message: &str) -> Option<String> {
    // Most lines name nothing long: skip the word-by-word pass for them.
    let hex_run = message.as_bytes().split(|b| !b.is_ascii_hexdigit()).any(|w| w.len() >= 32);
    if !hex_run && !message.contains("arn:") {
        return None;
    }
    let mut out = String::with_capacity(message.len());
    let mut changed = false;
    for (k, word) in message.split(' ').enumerate() {
        // A service starting 1,000 tasks names them all: the line shows the first ones (its
        // detail has more), and shortening stops there rather than walk 40 kB every render.
        if out.len() > TEXT_BYTES {
            out.push_str(" …");
            changed = true;
            break;
        }
        if k > 0 {
            out.push(' ');
        }
        match short_word(word) {
            Some(short) if short != word => {
                out.push_str(&short);
                changed = true;
            }
            _ => out.push_str(word),
        }
    }
    changed.then_some(out)
}

/// `target i-0abc:32768 is healthy` → (`i-0abc:32768`, `is healthy`).
fn target_health(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix("target ")?;
    let (target, state) = rest.split_once(' ')?;
    Some((target, state))
}

/// Task transitions and target health at one instant, folded: one row per (kind, group, text).
fn fold(at: SimTime, entries: &[(usize, &stevedore_sim::engine::LogEntry)]) -> Vec<Row> {
    // Grouped by borrowed keys: an instant can hold 10,000 entries, and this runs every render.
    struct Group<'a> {
        kind: &'static str,
        subject: &'a str,
        text: &'a str,
        members: Vec<&'a str>,
        key: usize,
    }
    let mut groups: Vec<Group<'_>> = Vec::new();
    for &(key, e) in entries {
        let (subject, text, member) = match (e.kind, target_health(&e.message)) {
            ("targetGroup", Some((target, state))) => (e.subject.as_str(), state, target),
            _ => ("", e.message.as_str(), e.subject.as_str()),
        };
        match groups.iter_mut().find(|g| g.kind == e.kind && g.subject == subject && g.text == text) {
            Some(g) => g.members.push(member),
            None => groups.push(Group { kind: e.kind, subject, text, members: vec![member], key }),
        }
    }
    groups
        .into_iter()
        .map(|g| {
            let n = g.members.len();
            let list = g.members.iter().take(4).map(|m| short_subject(m)).collect::<Vec<_>>().join(", ") + if n > 4 { ", …" } else { "" };
            let (subject, text) = match (n, g.kind) {
                (1, "task") => (format!("task {}: ", short_subject(g.members[0])), g.text.to_string()),
                (1, _) => (format!("{}: ", g.subject), format!("target {} {}", g.members[0], g.text)),
                (n, "task") => (format!("{n} tasks: "), format!("{} · {list}", g.text)),
                (n, _) => (format!("{}: ", g.subject), format!("{n} targets {} · {list}", g.text)),
            };
            let task = (n == 1 && is_hex_id(g.members[0])).then(|| g.members[0].to_string());
            let detail = (g.members.iter().any(|m| is_hex_id(m)) || n > 4).then(|| {
                let listed = g.members[..n.min(DETAIL_MEMBERS)].join("\n");
                let more = n.saturating_sub(DETAIL_MEMBERS);
                if more > 0 { format!("{listed}\n… and {more} more") } else { listed }
            });
            Row { at, kind: g.kind, subject, text, detail, task, key: g.key }
        })
        .collect()
}

fn folded(kind: &str) -> bool {
    kind == "task" || kind == "targetGroup"
}

/// The log as rows, newest first, narrowed by `filter` (case-insensitive, matched against the
/// full text and ids as well as the short forms). Within one instant, identical lines are one
/// line with a count, and task and target changes are folded under them.
pub fn rows(sim: &Sim, filter: &str) -> Vec<Row> {
    let needle = filter.to_lowercase();
    let matches = |e: &&stevedore_sim::engine::LogEntry| needle.is_empty() || e.message.to_lowercase().contains(&needle) || e.subject.to_lowercase().contains(&needle);
    let mut out = Vec::new();
    let mut i = sim.log.len();
    while i > 0 && out.len() < SHOWN {
        // The entries of one instant (the log is in time order).
        let at = sim.log[i - 1].at;
        let mut j = i - 1;
        while j > 0 && sim.log[j - 1].at == at {
            j -= 1;
        }
        let instant: Vec<(usize, &stevedore_sim::engine::LogEntry)> = sim.log[j..i].iter().enumerate().map(|(k, e)| (j + k, &**e)).filter(|(_, e)| matches(e)).collect();
        i = j;
        let mut lines: Vec<(Row, usize)> = Vec::new();
        for &(key, e) in instant.iter().rev().filter(|(_, e)| !folded(e.kind)) {
            let short = shorten(&e.message);
            let subject = match e.kind {
                "service" => String::new(),
                _ if is_hex_id(&e.subject) => format!("task {}: ", short_subject(&e.subject)),
                _ => format!("{}: ", e.subject),
            };
            let detail = short.as_ref().map(|_| capped(&if is_hex_id(&e.subject) { format!("task {}\n", e.subject) } else { String::new() }, &e.message));
            let task = is_hex_id(&e.subject).then(|| e.subject.clone());
            let row = Row { at, kind: e.kind, subject, text: short.unwrap_or_else(|| e.message.clone()), detail, task, key };
            match lines.iter_mut().find(|(r, _)| r.kind == row.kind && r.subject == row.subject && r.text == row.text) {
                Some((_, n)) => *n += 1,
                None => lines.push((row, 1)),
            }
        }
        out.extend(lines.into_iter().map(|(mut r, n)| {
            if n > 1 {
                r.text = format!("{} (×{n})", r.text);
            }
            r
        }));
        let changes: Vec<_> = instant.iter().copied().filter(|(_, e)| folded(e.kind)).collect();
        out.extend(fold(at, &changes));
    }
    out.truncate(SHOWN);
    out
}

pub fn view(sim: &Sim, filter: &str, on_filter: Callback<String>, seek: &Callback<u64>, select_task: &Callback<String>) -> Html {
    let entries = rows(sim, filter);
    let oninput = on_filter.reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    html! {
        <section class="event-log" id="event-log">
            <h2>{ "Events" }</h2>
            <input type="search" class="filter" placeholder="Filter events (e.g. unable, web, draining)" value={filter.to_string()} {oninput} aria-label="Filter events" />
            <ol class="entries">
                { for entries.into_iter().map(|r| {
                    let at = r.at;
                    let onclick = seek.reform(move |_| at);
                    let subject = match &r.task {
                        Some(id) => {
                            let id = id.clone();
                            let title = format!("Inspect task {id}");
                            html! { <><button class="link task-link" title={title} onclick={select_task.reform(move |e: MouseEvent| { e.prevent_default(); id.clone() })}>{ r.subject.trim_end_matches(": ") }</button>{ ": " }</> }
                        }
                        None if !r.subject.is_empty() => html! { <strong>{ &r.subject }</strong> },
                        None => html! {},
                    };
                    let head = html! { <>{ subject }{ &r.text }</> };
                    html! {
                        <li key={r.key} class={classes!("entry", r.kind)} data-at={at.to_string()}>
                            <button class="time" {onclick} title="Jump to this moment">{ format_clock(at) }</button>
                            if let Some(detail) = &r.detail {
                                <details class="message">
                                    <summary>{ head }</summary>
                                    <pre class="detail mono">{ detail }</pre>
                                </details>
                            } else {
                                <span class="message">{ head }</span>
                            }
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson_end(id: &str) -> Sim {
        let mut sim = Sim::new(stevedore_sim::load(crate::scenarios::find(id).unwrap().json).unwrap());
        sim.advance_to(sim.scenario.duration);
        sim
    }

    #[test]
    fn ids_and_arns_read_as_the_console_names_them() {
        let tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/8590f01af118fa3a";
        assert_eq!(shorten(&format!("(service web) registered 1 targets in (target-group {tg})")).unwrap(), "(service web) registered 1 targets in (target-group web-tg)");
        assert_eq!(
            shorten("(service web) has started 2 tasks: (task d88be903002f73d1e585a9cf5c04ae35) (task 54b182fefe880a4e44a4d34bfc6178f1).").unwrap(),
            "(service web) has started 2 tasks: (task d88be903) (task 54b182fe)."
        );
        assert_eq!(shorten("User: arn:aws:sts::123456789012:assumed-role/exec/d9d545fd3cd664db450f04918996e477 is not").unwrap(), "User: arn:aws:sts::123456789012:assumed-role/exec/d9d545fd is not");
        assert_eq!(shorten("(service web) has reached a steady state."), None);
        assert_eq!(short_subject("d88be903002f73d1e585a9cf5c04ae35"), "d88be903");
    }

    #[test]
    fn a_huge_message_is_cut_in_the_line() {
        let ids: Vec<String> = (0..1000).map(|k| format!("(task {:032x})", k + 1)).collect();
        let short = shorten(&format!("(service web) has started 1000 tasks: {}.", ids.join(" "))).unwrap();
        assert!(short.len() < TEXT_BYTES + 40 && short.ends_with(" …"), "{}", short.len());
        assert!(short.starts_with("(service web) has started 1000 tasks: (task 00000000) (task 00000000)"));
    }

    #[test]
    fn rows_show_short_names_and_keep_the_full_ids_in_the_detail() {
        for id in ["first-light", "secrets-environment", "rolling-deployment", "iam-roles", "draining"] {
            let sim = lesson_end(id);
            for r in rows(&sim, "") {
                let shown = format!("{}{}", r.subject, r.text);
                assert!(!shown.split(|c: char| !c.is_ascii_hexdigit()).any(|w| w.len() == 32), "{id}: a full task id is shown: {shown}");
                assert!(!shown.contains(":targetgroup/"), "{id}: {shown}");
            }
        }
        let sim = lesson_end("first-light");
        let started = rows(&sim, "has started").into_iter().last().unwrap();
        let first = sim.tasks[0].id.clone();
        assert!(started.text.contains(&first[..8]));
        assert!(started.detail.unwrap().contains(&first), "the full id is in the detail");
    }

    #[test]
    fn every_step_stop_with_a_log_entry_has_a_row() {
        let sim = lesson_end("first-light");
        let all = rows(&sim, "");
        let mut instants: Vec<SimTime> = sim.log.iter().map(|e| e.at).collect();
        instants.dedup();
        for at in instants.iter().rev().take(SHOWN / 4) {
            assert!(all.iter().any(|r| r.at == *at), "no row for {at}");
        }
        // Six tasks going RUNNING at one instant fold into one line naming them.
        assert!(all.iter().any(|r| r.kind == "task" && r.subject == "6 tasks: " && r.text.starts_with("lastStatus RUNNING · ")), "{all:#?}");
    }

    #[test]
    fn the_filter_matches_full_ids_too() {
        let sim = lesson_end("first-light");
        let id = sim.tasks[0].id.clone();
        let hits = rows(&sim, &id);
        assert!(!hits.is_empty());
        assert!(hits.iter().all(|r| r.detail.as_deref().unwrap_or("").contains(&id) || r.text.contains(&id[..8])));
    }
}
