//! Draws charts with plotters on a canvas (the only plotting code that touches the browser).
//! The legend is HTML beside the canvas (app.rs), so it never covers the data.

use crate::chart_data::{Chart, Stroke, LABEL_PX, LABEL_PX_PROJECTION};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

fn colour(hex: &str) -> RGBColor {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0xffffff);
    RGBColor((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

/// Draws one chart; errors (a canvas gone mid-draw) are ignored: the next frame redraws.
pub fn draw(canvas: HtmlCanvasElement, chart: &Chart, large: bool) {
    // Draw at the size the canvas is shown at, so text keeps its pixel size (a canvas scaled
    // down to a narrow panel would shrink 12 px labels to 9 px).
    let shown = canvas.client_width();
    if shown > 0 && canvas.width() != shown as u32 {
        let ratio = canvas.height() as f64 / canvas.width().max(1) as f64;
        canvas.set_width(shown as u32);
        canvas.set_height((shown as f64 * ratio).round() as u32);
    }
    let _ = try_draw(canvas, chart, large);
}

fn try_draw(canvas: HtmlCanvasElement, chart: &Chart, large: bool) -> Option<()> {
    let root = CanvasBackend::with_canvas_object(canvas)?.into_drawing_area();
    root.fill(&RGBColor(30, 41, 59)).ok()?;
    let points = chart.lines.iter().flat_map(|l| l.points.iter());
    let x_max = points.clone().map(|p| p.0).fold(1.0, f64::max) + 1.0;
    let y_max = points.map(|p| p.1).fold(1.0, f64::max) * 1.15;
    let text = |size: u32| ("sans-serif", size).into_font().color(&RGBColor(226, 232, 240));
    // The title is the figure's HTML caption (app.rs): wrapped, never clipped.
    let label_px = if large { LABEL_PX_PROJECTION } else { LABEL_PX };
    let mut ctx = ChartBuilder::on(&root)
        .margin(8)
        .margin_right(label_px + 6)
        .x_label_area_size(label_px * 2 + 10)
        .y_label_area_size(label_px * 3)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .ok()?;
    ctx.configure_mesh()
        .light_line_style(RGBColor(51, 65, 85))
        .bold_line_style(RGBColor(71, 85, 105))
        .axis_style(RGBColor(100, 116, 139))
        .label_style(text(label_px))
        .axis_desc_style(text(label_px))
        .x_desc("minute")
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| if y_max >= 10.0 { format!("{v:.0}") } else { format!("{v:.1}") })
        .draw()
        .ok()?;
    for &m in &chart.marks {
        ctx.draw_series(LineSeries::new(vec![(m, 0.0), (m, y_max)], RGBColor(249, 115, 22).mix(0.45).stroke_width(1))).ok()?;
    }
    let width = if large { 3 } else { 2 };
    // Solid lines first, dashed ones over them: a dashed line on a solid one shows both.
    let (solid, dashed): (Vec<_>, Vec<_>) = chart.lines.iter().partition(|l| l.stroke != Stroke::Dashed);
    for line in solid.into_iter().chain(dashed) {
        let c = colour(line.colour);
        let style = c.stroke_width(if line.reference { 1.max(width - 1) } else { width });
        let pts = line.points.iter().copied();
        match line.stroke {
            Stroke::Solid => drop(ctx.draw_series(LineSeries::new(pts, style)).ok()?),
            Stroke::Dashed => drop(ctx.draw_series(DashedLineSeries::new(pts, 7, 5, style)).ok()?),
            Stroke::Marked => {
                ctx.draw_series(LineSeries::new(pts.clone(), style)).ok()?;
                let r = if large { 4 } else { 3 };
                ctx.draw_series(pts.map(|p| Circle::new(p, r, c.filled()))).ok()?;
            }
        }
    }
    root.present().ok()
}
