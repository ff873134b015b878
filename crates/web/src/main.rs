//! stevedore-web: the browser app. It asks the sim and draws; it never decides.

mod app;
mod event_log;
mod inspector;
mod keys;
mod layout;
mod paint;
mod palette;
mod scenarios;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
