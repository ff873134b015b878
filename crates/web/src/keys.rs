//! Keyboard shortcuts, and the help overlay that lists them.

use crate::app::{App, Msg};
use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::html::Scope;
use yew::prelude::*;

const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "play / pause"),
    ("→", "step to the next event"),
    ("←", "back 10 seconds (replays from the start)"),
    ("] / [", "faster / slower"),
    ("+ / − / 0", "zoom in / out / fit the picture (also the mouse wheel; drag to pan)"),
    ("double-click", "focus an instance or a service (again on empty space: fit)"),
    ("S", "fold the side panel away / back"),
    ("P", "projection mode (large type, high contrast)"),
    ("Esc", "clear the selection"),
    ("?", "this help"),
];

/// Listens for shortcut keys on the document, except while typing in a field.
pub fn listen(link: Scope<App>) -> Option<EventListener> {
    let document = web_sys::window()?.document()?;
    // Not passive: space must not also "click" the focused button or scroll the page.
    Some(EventListener::new_with_options(&document, "keydown", EventListenerOptions::enable_prevent_default(), move |event| {
        let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else { return };
        let typing = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing || event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let msg = match event.key().as_str() {
            " " => Msg::TogglePlay,
            "ArrowRight" => Msg::Step,
            "ArrowLeft" => Msg::Back,
            "]" | ">" => Msg::Faster,
            "[" | "<" => Msg::Slower,
            "+" | "=" => Msg::ZoomIn,
            "-" | "_" => Msg::ZoomOut,
            "0" => Msg::ZoomFit,
            "s" | "S" => Msg::ToggleSide,
            "p" | "P" => Msg::ToggleProjection,
            "?" => Msg::ToggleHelp,
            "Escape" => Msg::Deselect,
            _ => return,
        };
        event.prevent_default();
        link.send_message(msg);
    }))
}

pub fn help(close: Callback<MouseEvent>) -> Html {
    html! {
        <div class="overlay" id="help-overlay" role="dialog" aria-label="Keyboard shortcuts">
            <div class="dialog">
                <h2>{ "Keyboard shortcuts" }</h2>
                <table>{ for SHORTCUTS.iter().map(|(k, v)| html! { <tr><td><kbd>{ *k }</kbd></td><td>{ *v }</td></tr> }) }</table>
                <button class="play" onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}
