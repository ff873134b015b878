//! The Scenario tab: pick a lesson, edit the JSON with the sim's validation errors listed above
//! it (each naming its line; a click puts the cursor there) and marked in the line-number gutter,
//! paste a task definition, import, export and share.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// A validation error as the editor shows it: the sim's path and rule, and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct EditorError {
    pub path: String,
    pub message: String,
    /// 1-based line in the text the error was found in.
    pub line: Option<usize>,
}

/// Errors looked up in the text at most (each lookup scans the text once).
const LOCATED: usize = 100;

impl EditorError {
    pub fn from_validation(text: &str, errors: &[stevedore_sim::error::ValidationError]) -> Vec<EditorError> {
        errors
            .iter()
            .enumerate()
            .map(|(k, e)| EditorError { path: e.path.clone(), message: e.message.clone(), line: if k < LOCATED { crate::json_locate::line_of(text, &e.path, &e.message) } else { None } })
            .collect()
    }

    /// An EKS manifest's errors: YAML paths by indentation, a JSON array's as JSON, syntax
    /// errors by the line their message names.
    pub fn from_manifest(text: &str, errors: &[stevedore_sim::error::ValidationError]) -> Vec<EditorError> {
        let json = text.trim_start().starts_with('[');
        let locate = |e: &stevedore_sim::error::ValidationError| {
            if json || e.path == "$" { crate::json_locate::line_of(text, &e.path, &e.message) } else { crate::yaml_locate::line_of(text, &e.path) }
        };
        errors.iter().enumerate().map(|(k, e)| EditorError { path: e.path.clone(), message: e.message.clone(), line: if k < LOCATED { locate(e) } else { None } }).collect()
    }
}

/// What happened to the last "Share link" press.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareState {
    None,
    Copied,
    /// The clipboard is not available (permissions, an old browser): the link is selected.
    SelectToCopy,
}

pub struct EditorProps<'a> {
    pub text: &'a str,
    pub errors: &'a [EditorError],
    pub applied: bool,
    pub lesson: &'a str,
    pub share_link: Option<&'a str>,
    pub share_state: ShareState,
    pub paste_error: Option<&'a str>,
}

pub struct EditorCallbacks {
    pub on_lesson: Callback<String>,
    pub on_input: Callback<String>,
    pub on_apply: Callback<()>,
    pub on_import: Callback<web_sys::File>,
    pub on_share: Callback<()>,
    pub on_paste_task_definition: Callback<String>,
}

fn element<T: JsCast>(id: &str) -> Option<T> {
    web_sys::window()?.document()?.get_element_by_id(id)?.dyn_into::<T>().ok()
}

/// Puts the cursor on `line` of the scenario text and scrolls it into the middle of the view.
pub fn go_to_line(line: usize) {
    let Some(area) = element::<HtmlTextAreaElement>("scenario-text") else { return };
    let text = area.value();
    // Offsets are UTF-16 code units, as the DOM counts them.
    let mut start = 0u32;
    for (k, l) in text.split('\n').enumerate() {
        let len = l.encode_utf16().count() as u32;
        if k + 1 == line {
            let _ = area.focus();
            let _ = area.set_selection_range(start, start + len);
            let lines = text.split('\n').count().max(1) as i32;
            let per_line = area.scroll_height() / lines;
            area.set_scroll_top(((line as i32 - 1) * per_line - area.client_height() / 3).max(0));
            sync_gutter();
            return;
        }
        start += len + 1;
    }
}

/// Keeps the line numbers level with the text.
pub fn sync_gutter() {
    if let (Some(area), Some(gutter)) = (element::<HtmlTextAreaElement>("scenario-text"), element::<HtmlElement>("gutter")) {
        gutter.set_scroll_top(area.scroll_top());
    }
}

/// The gutter's text: line numbers, erroneous ones as marked spans, the rest as plain runs.
fn gutter(lines: usize, bad: &[usize]) -> Html {
    let mut out = Vec::new();
    let mut run = String::new();
    for n in 1..=lines {
        if bad.contains(&n) {
            if !run.is_empty() {
                out.push(html! { { std::mem::take(&mut run) } });
            }
            out.push(html! { <span class="bad" data-line={n.to_string()}>{ format!("{n}\n") }</span> });
        } else {
            run.push_str(&format!("{n}\n"));
        }
    }
    if !run.is_empty() {
        out.push(html! { { run } });
    }
    out.into_iter().collect::<Html>()
}

pub fn view(p: &EditorProps<'_>, cb: &EditorCallbacks) -> Html {
    let on_lesson = cb.on_lesson.reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    let on_input = cb.on_input.reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
    let on_apply = cb.on_apply.reform(|_: MouseEvent| ());
    let on_share = cb.on_share.reform(|_: MouseEvent| ());
    let on_import = {
        let cb = cb.on_import.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                cb.emit(file);
            }
        })
    };
    let on_paste = {
        let cb = cb.on_paste_task_definition.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = element::<HtmlTextAreaElement>("paste-td") {
                cb.emit(area.value());
                area.set_value("");
            }
        })
    };
    let eks = crate::eks_adapter::is_manifest(p.text);
    let (mime, file) = if eks { ("application/yaml", "stevedore-manifest.yaml") } else { ("application/json", "stevedore-scenario.json") };
    let export_href = format!("data:{mime};charset=utf-8,{}", String::from(js_sys::encode_uri_component(p.text)));
    let lines = p.text.split('\n').count();
    let mut bad: Vec<usize> = p.errors.iter().filter_map(|e| e.line).collect();
    bad.sort_unstable();
    bad.dedup();
    let status = if !p.errors.is_empty() {
        format!("{} error{}: the last valid scenario keeps running", p.errors.len(), if p.errors.len() == 1 { "" } else { "s" })
    } else if p.applied {
        "running this scenario".to_string()
    } else {
        "edited: press Apply".to_string()
    };
    html! {
        <section class="editor" id="editor">
            <label for="lesson">{ "Lesson" }</label>
            <select id="lesson" onchange={on_lesson}>
                <option value="" selected={p.lesson.is_empty()}>{ "— your scenario —" }</option>
                { for crate::scenarios::all().map(|b| html! { <option value={b.id} selected={p.lesson == b.id}>{ b.title }</option> }) }
            </select>
            <div class="row files">
                <label class="tool file" title="Open a scenario JSON file or an EKS manifest (YAML) from this computer">{ "Import…" }<input id="import" type="file" accept=".json,.yaml,.yml,application/json" onchange={on_import} /></label>
                <a id="export" class="tool" href={export_href} download={file} title="Save the editor's text as a JSON file">{ "Export" }</a>
                <button id="share" class="tool" onclick={on_share} title="Put the running scenario in a link">{ "Share link" }</button>
            </div>
            if let Some(link) = p.share_link {
                <div class="share-box">
                    <input id="share-link" class="mono share" readonly=true value={link.to_string()} aria-label="Share link" onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select())} />
                    <p id="share-status" role="status" class={classes!("share-status", (p.share_state == ShareState::Copied).then_some("ok"))}>
                        { match p.share_state {
                            ShareState::Copied => "✔ Link copied: paste it anywhere to open this scenario",
                            ShareState::SelectToCopy => "The link is selected: press Ctrl+C (⌘C) to copy it",
                            ShareState::None => "",
                        } }
                    </p>
                </div>
            }
            <div class="row">
                <button id="apply" class="play" onclick={on_apply}>{ "Apply" }</button>
                <span class={classes!("status", if p.errors.is_empty() { "ok" } else { "bad" })} id="editor-status">{ status }</span>
            </div>
            if !p.errors.is_empty() {
                <ul class="errors" id="editor-errors">{ for p.errors.iter().map(|e| {
                    let where_ = e.line.map(|l| format!("line {l} · ")).unwrap_or_default();
                    match e.line {
                        Some(line) => html! { <li><button class="error-link mono" data-line={line.to_string()} onclick={Callback::from(move |_: MouseEvent| go_to_line(line))} title="Show this line">{ format!("{where_}{}: {}", e.path, e.message) }</button></li> },
                        None => html! { <li class="mono">{ format!("{}: {}", e.path, e.message) }</li> },
                    }
                }) }</ul>
            }
            <label for="scenario-text">{ if eks { "EKS manifest (eksctl ClusterConfig + Kubernetes YAML)" } else { "Scenario JSON (AWS request bodies), or an EKS manifest in YAML" } }</label>
            <div class="code">
                <pre id="gutter" class="gutter mono" aria-hidden="true">{ gutter(lines, &bad) }</pre>
                <textarea id="scenario-text" class="mono" spellcheck="false" wrap="off" value={p.text.to_string()} oninput={on_input} onscroll={Callback::from(|_: Event| sync_gutter())} rows="18" />
            </div>
            if !eks {
                <>
                <label for="paste-td">{ "Paste a task definition (RegisterTaskDefinition or DescribeTaskDefinition output)" }</label>
                <textarea id="paste-td" class="mono" rows="4" spellcheck="false" placeholder="{\"family\": \"web\", \"containerDefinitions\": [...]}" />
                <div class="row">
                    <button id="add-td" class="tool" onclick={on_paste}>{ "Add to scenario" }</button>
                    if let Some(err) = p.paste_error { <span class="status bad" id="paste-error">{ err }</span> }
                </div>
                </>
            }
        </section>
    }
}

/// Copies `text` to the clipboard if the browser lets us; `done(false)` when it does not.
pub fn copy_to_clipboard(text: &str, done: Callback<bool>) {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsValue;
    let get = |o: &JsValue, k: &str| Reflect::get(o, &JsValue::from_str(k)).ok().filter(|v| !v.is_undefined() && !v.is_null());
    let window: JsValue = match web_sys::window() {
        Some(w) => w.into(),
        None => return done.emit(false),
    };
    let clipboard = get(&window, "navigator").and_then(|n| get(&n, "clipboard"));
    let write = clipboard.as_ref().and_then(|c| get(c, "writeText")).and_then(|f| f.dyn_into::<Function>().ok());
    let (Some(clipboard), Some(write)) = (clipboard, write) else { return done.emit(false) };
    match write.call1(&clipboard, &JsValue::from_str(text)).ok().and_then(|p| p.dyn_into::<Promise>().ok()) {
        Some(promise) => {
            let (ok, err) = (done.clone(), done);
            let on_ok = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| ok.emit(true));
            let on_err = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| err.emit(false));
            let _ = promise.then2(&on_ok, &on_err);
            // The promise calls one of them later; a press of Share leaks these two closures.
            on_ok.forget();
            on_err.forget();
        }
        None => done.emit(false),
    }
}

/// Selects the share link's text so Ctrl+C copies it.
pub fn select_share_link() {
    if let Some(input) = element::<HtmlInputElement>("share-link") {
        let _ = input.focus();
        input.select();
    }
}

#[cfg(test)]
mod tests {
    use super::EditorError;

    #[test]
    fn manifest_errors_are_marked_on_their_yaml_lines() {
        let lesson = crate::scenarios::find("eks-same-web-app").unwrap().json;
        let text = lesson.replace("cpu: 500m", "cpu: 1GB");
        let errors = crate::eks_adapter::EksSession::load(&text).err().unwrap();
        let shown = EditorError::from_manifest(&text, &errors);
        let want = text.lines().position(|l| l.contains("cpu: 1GB")).unwrap() + 1;
        assert!(shown.iter().any(|e| e.path.ends_with("resources.requests.cpu") && e.line == Some(want)), "{shown:?}");
        // A tab in indentation: the parser names the line, and so does the editor.
        let tabbed = lesson.replacen("  name: shop", "\tname: shop", 1);
        let errors = crate::eks_adapter::EksSession::load(&tabbed).err().unwrap();
        let want = tabbed.lines().position(|l| l.starts_with('\t')).unwrap() + 1;
        assert_eq!(EditorError::from_manifest(&tabbed, &errors)[0].line, Some(want));
    }
}
