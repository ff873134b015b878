//! Built-in scenarios, embedded at build time from `www/scenarios/`.

pub struct BuiltIn {
    #[allow(dead_code)] // lesson picker (issue: the visual app) lists built-ins by id
    pub id: &'static str,
    pub json: &'static str,
}

pub const BUILT_IN: &[BuiltIn] = &[BuiltIn { id: "first-light", json: include_str!("../../../www/scenarios/first-light.json") }];

pub fn default() -> &'static BuiltIn {
    &BUILT_IN[0]
}
