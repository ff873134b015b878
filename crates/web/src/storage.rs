//! The user's work in localStorage, under namespaced keys, so a reload restores it.

const SCENARIO_KEY: &str = "stevedore.v1.scenario";
const DRAFT_KEY: &str = "stevedore.v1.draft";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The last scenario that applied cleanly.
pub fn load_scenario() -> Option<String> {
    local()?.get_item(SCENARIO_KEY).ok().flatten()
}

pub fn save_scenario(text: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(SCENARIO_KEY, text);
    }
}

/// The editor's text as typed, even when it does not validate: never lose what was typed.
pub fn load_draft() -> Option<String> {
    local()?.get_item(DRAFT_KEY).ok().flatten()
}

pub fn save_draft(text: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(DRAFT_KEY, text);
    }
}
