//! The Scenario tab: pick a lesson, edit the JSON with the sim's validation errors shown at
//! their paths, paste a task definition, import, export and share.

use crate::scenarios::BUILT_IN;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

pub struct EditorProps<'a> {
    pub text: &'a str,
    pub errors: &'a [String],
    pub applied: bool,
    pub lesson: &'a str,
    pub share_link: Option<&'a str>,
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
            let area = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("paste-td"));
            if let Some(area) = area.and_then(|a| wasm_bindgen::JsCast::dyn_into::<HtmlTextAreaElement>(a).ok()) {
                cb.emit(area.value());
                area.set_value("");
            }
        })
    };
    let export_href = format!("data:application/json;charset=utf-8,{}", String::from(js_sys::encode_uri_component(p.text)));
    html! {
        <section class="editor" id="editor">
            <label for="lesson">{ "Lesson" }</label>
            <select id="lesson" onchange={on_lesson}>
                <option value="" selected={p.lesson.is_empty()}>{ "— your scenario —" }</option>
                { for BUILT_IN.iter().map(|b| html! { <option value={b.id} selected={p.lesson == b.id}>{ b.title }</option> }) }
            </select>
            <label for="scenario-text">{ "Scenario JSON (AWS request bodies)" }</label>
            <textarea id="scenario-text" class="mono" spellcheck="false" value={p.text.to_string()} oninput={on_input} rows="18" />
            <div class="row">
                <button id="apply" class="play" onclick={on_apply}>{ "Apply" }</button>
                <span class={classes!("status", if p.errors.is_empty() { "ok" } else { "bad" })} id="editor-status">
                    { if !p.errors.is_empty() { format!("{} error(s): the last valid scenario keeps running", p.errors.len()) } else if p.applied { "running this scenario".to_string() } else { "edited: press Apply".to_string() } }
                </span>
            </div>
            if !p.errors.is_empty() {
                <ul class="errors" id="editor-errors">{ for p.errors.iter().map(|e| html! { <li class="mono">{ e }</li> }) }</ul>
            }
            <label for="paste-td">{ "Paste a task definition (RegisterTaskDefinition or DescribeTaskDefinition output)" }</label>
            <textarea id="paste-td" class="mono" rows="4" spellcheck="false" placeholder="{\"family\": \"web\", \"containerDefinitions\": [...]}" />
            <div class="row">
                <button id="add-td" class="tool" onclick={on_paste}>{ "Add to scenario" }</button>
                if let Some(err) = p.paste_error { <span class="status bad" id="paste-error">{ err }</span> }
            </div>
            <div class="row files">
                <label class="tool file">{ "Import…" }<input id="import" type="file" accept=".json,application/json" onchange={on_import} /></label>
                <a id="export" class="tool" href={export_href} download="stevedore-scenario.json">{ "Export" }</a>
                <button id="share" class="tool" onclick={on_share}>{ "Share link" }</button>
            </div>
            if let Some(link) = p.share_link {
                <input id="share-link" class="mono share" readonly=true value={link.to_string()} aria-label="Share link" />
            }
        </section>
    }
}
