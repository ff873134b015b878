//! What the ECS and EKS views share (a child of `app`: it speaks its `Msg`): the canvas's
//! pointer and wheel callbacks and the timeline's seek (click selects, double-click focuses, a
//! left-button drag pans, the wheel zooms about the pointer), and the toolbar's transport and
//! view toggles, the timeline, the canvas element and the side panel's tab buttons (one copy
//! of each element's code in the wasm, not one per view: issue 13).

use super::Msg;
use web_sys::HtmlInputElement;
use yew::html::Scope;
use yew::prelude::*;

pub(super) struct CanvasInput {
    pub click: Callback<MouseEvent>,
    pub dblclick: Callback<MouseEvent>,
    pub down: Callback<MouseEvent>,
    pub moved: Callback<MouseEvent>,
    pub up: Callback<MouseEvent>,
    pub wheel: Callback<WheelEvent>,
    pub seek: Callback<InputEvent>,
}

impl CanvasInput {
    pub(super) fn new(link: &Scope<super::App>) -> CanvasInput {
        let at = |e: &MouseEvent| (e.offset_x() as f64, e.offset_y() as f64);
        CanvasInput {
            click: link.callback(move |e: MouseEvent| { let (x, y) = at(&e); Msg::CanvasClick(x, y) }),
            dblclick: link.callback(move |e: MouseEvent| { let (x, y) = at(&e); Msg::Focus(x, y) }),
            down: link.callback(move |e: MouseEvent| { let (x, y) = at(&e); Msg::DragStart(x, y) }),
            moved: link.batch_callback(move |e: MouseEvent| (e.buttons() & 1 == 1).then(|| { let (x, y) = at(&e); Msg::DragMove(x, y) })),
            up: link.callback(|_: MouseEvent| Msg::DragEnd),
            wheel: link.callback(|e: WheelEvent| {
                e.prevent_default();
                Msg::Wheel(e.offset_x() as f64, e.offset_y() as f64, (-e.delta_y() / 100.0).clamp(-3.0, 3.0))
            }),
            seek: link.callback(|e: InputEvent| Msg::Seek(e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(0))),
        }
    }
}

impl super::App {
    /// The toolbar's transport, the same in both modes: back 10 s, play/pause, step (its title
    /// says what it steps to), speed.
    pub(super) fn transport(&self, link: &Scope<super::App>, step_title: &'static str) -> Html {
        html! {
            <>
                <button id="back" class="tool" onclick={link.callback(|_| Msg::Back)} title="Back 10 s (←)">{ "◀ 10 s" }</button>
                <button id="play" class="play" onclick={link.callback(|_| Msg::TogglePlay)} aria-label={ if self.playing { "Pause" } else { "Play" } }>
                    { if self.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button id="step" class="tool" onclick={link.callback(|_| Msg::Step)} title={step_title}>{ "Step ▶" }</button>
                <label class="speed">{ "Speed " }
                    <select id="speed" onchange={link.callback(|e: Event| {
                        let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                        Msg::SetSpeed(super::SPEEDS.iter().position(|s| s.to_string() == v).unwrap_or(super::DEFAULT_SPEED))
                    })}>
                        { for super::SPEEDS.iter().enumerate().map(|(i, s)| html! { <option value={s.to_string()} selected={i == self.speed}>{ format!("{s}×") }</option> }) }
                    </select>
                </label>
            </>
        }
    }

    /// The timeline slider over `0..=max_ms`.
    pub(super) fn timeline(&self, max_ms: u64, input: &CanvasInput) -> Html {
        html! {
            <input id="timeline" class="timeline" type="range" min="0" max={max_ms.to_string()} step="1000" value={(self.sim_time_ms as u64).to_string()} oninput={input.seek.clone()} aria-label="Timeline" />
        }
    }

    /// The cluster canvas with its pointer callbacks and test hooks (`data-first-task`: the
    /// centre of the first task or pod block drawn; `data-first-instance`, ECS only).
    pub(super) fn cluster_canvas(&self, input: &CanvasInput, first_task: String, first_instance: Option<String>, label: &'static str) -> Html {
        html! {
            <canvas id="cluster" ref={self.canvas.clone()} onclick={input.click.clone()} ondblclick={input.dblclick.clone()} onmousedown={input.down.clone()} onmousemove={input.moved.clone()} onmouseup={input.up.clone()} onmouseleave={input.up.clone()} onwheel={input.wheel.clone()} data-zoom={format!("{:.2}", self.zoom.scale)} data-first-task={first_task} data-first-instance={first_instance} aria-label={label}></canvas>
        }
    }

    /// A side-panel tab; the Scenario tab shows ⚠ while the editor has errors.
    pub(super) fn tab_button(&self, link: &Scope<super::App>, id: &'static str, tab: super::Tab, active: bool, label: &'static str) -> Html {
        let warn = tab == super::Tab::Scenario && !self.editor_errors.is_empty();
        html! {
            <button id={id} role="tab" class={classes!("tab", active.then_some("active"))} onclick={link.callback(move |_| Msg::Tab(tab))}>{ label }if warn { { " ⚠" } }</button>
        }
    }

    /// The toolbar's view toggles, the same in both modes: projection, side panel, help.
    pub(super) fn view_toggles(&self, link: &Scope<super::App>) -> Html {
        html! {
            <>
                <button id="projection" class="tool" onclick={link.callback(|_| Msg::ToggleProjection)} title="Projection mode (P)">{ "Projector" }</button>
                <button id="side-toggle" class="tool" onclick={link.callback(|_| Msg::ToggleSide)} title="Fold the side panel away (S)">{ if self.side_folded { "Panel ◂" } else { "Panel ▸" } }</button>
                <button id="help" class="tool" onclick={link.callback(|_| Msg::ToggleHelp)} title="Keyboard shortcuts (?)">{ "?" }</button>
            </>
        }
    }
}

/// The canvas's 2D context sized to its box at the device's pixel ratio: (context, CSS width,
/// height, ratio, backing pixels). A resize clears the canvas, so the ECS raster cache is
/// dropped with it.
pub(super) fn canvas_2d(app: &mut super::App) -> Option<(web_sys::CanvasRenderingContext2d, f64, f64, f64, (u32, u32))> {
    use wasm_bindgen::JsCast;
    let canvas = app.canvas.cast::<web_sys::HtmlCanvasElement>()?;
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let (w, h) = (canvas.client_width().max(1) as f64, canvas.client_height().max(1) as f64);
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        app.painted = None;
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let ctx = canvas.get_context("2d").ok().flatten()?.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()?;
    Some((ctx, w, h, dpr, (pw, ph)))
}

/// Test hook: `window.__stevedoreScene` = the JSON the view wrote.
pub(super) fn set_hook(json: &str) {
    if let (Some(window), Ok(value)) = (web_sys::window(), js_sys::JSON::parse(json)) {
        let _ = js_sys::Reflect::set(&window, &"__stevedoreScene".into(), &value);
    }
}
