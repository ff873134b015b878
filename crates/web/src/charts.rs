//! Draws a chart on its canvas: sizes the canvas to its CSS box, lays the chart out
//! (`chart_layout`, pure) and paints the shapes (`paint`). The legend is HTML beside the
//! canvas (app.rs), so it never covers the data.

use crate::chart_data::Chart;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Draws one chart; a canvas without a 2D context (gone mid-draw) is skipped: the next frame
/// redraws.
pub fn draw(canvas: HtmlCanvasElement, chart: &Chart, large: bool) {
    // Draw at the size the canvas is shown at, so text keeps its pixel size (a canvas scaled
    // down to a narrow panel would shrink 12 px labels to 9 px).
    let shown = canvas.client_width();
    if shown > 0 && canvas.width() != shown as u32 {
        let ratio = canvas.height() as f64 / canvas.width().max(1) as f64;
        canvas.set_width(shown as u32);
        canvas.set_height((shown as f64 * ratio).round() as u32);
    }
    let Some(ctx) = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok()) else { return };
    let shapes = crate::chart_layout::layout(chart, canvas.width() as f64, canvas.height() as f64, large);
    crate::paint::paint_flat(&ctx, &shapes);
}
