//! Zoom and pan over the laid-out picture. The layout always fits the canvas (scale 1 shows
//! everything); zoom magnifies around a point, pan moves, focus frames one object. Pure:
//! the app feeds it wheel, drag, key and double-click input; paint applies `transform`.

use crate::scene::Rect;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Zoom {
    pub scale: f64,
    /// World point drawn at the canvas origin.
    pub x: f64,
    pub y: f64,
}

impl Default for Zoom {
    fn default() -> Zoom {
        Zoom { scale: 1.0, x: 0.0, y: 0.0 }
    }
}

pub const MIN_SCALE: f64 = 1.0;
/// 5,000 instances at 1280×720 are cells of about 6 px: 48× makes them full cards, in
/// projection mode's type too.
pub const MAX_SCALE: f64 = 48.0;
/// One key press or wheel notch.
pub const STEP: f64 = 1.25;

impl Zoom {
    pub fn to_world(&self, sx: f64, sy: f64) -> (f64, f64) {
        (self.x + sx / self.scale, self.y + sy / self.scale)
    }

    /// The canvas transform (a, d, e, f) in CSS pixels: screen = (world − origin) × scale.
    pub fn transform(&self) -> (f64, f64, f64) {
        (self.scale, -self.x * self.scale, -self.y * self.scale)
    }

    /// Zooms by `factor` keeping the world point under (sx, sy) where it is on screen.
    pub fn zoom_at(&self, factor: f64, sx: f64, sy: f64, canvas: (f64, f64)) -> Zoom {
        let (wx, wy) = self.to_world(sx, sy);
        let scale = (self.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        Zoom { scale, x: wx - sx / scale, y: wy - sy / scale }.clamped(canvas)
    }

    /// Moves the view by a drag of (dx, dy) screen pixels.
    pub fn pan(&self, dx: f64, dy: f64, canvas: (f64, f64)) -> Zoom {
        Zoom { x: self.x - dx / self.scale, y: self.y - dy / self.scale, ..*self }.clamped(canvas)
    }

    /// Frames `r` (a card, a service's tasks) with a margin, centred.
    pub fn focus(r: Rect, canvas: (f64, f64)) -> Zoom {
        let scale = (canvas.0 / (r.w * 1.3)).min(canvas.1 / (r.h * 1.3)).clamp(MIN_SCALE, MAX_SCALE);
        let (cx, cy) = (r.x + r.w / 2.0, r.y + r.h / 2.0);
        Zoom { scale, x: cx - canvas.0 / (2.0 * scale), y: cy - canvas.1 / (2.0 * scale) }.clamped(canvas)
    }

    /// The same zoom with the world point (wx, wy) in the middle of the canvas (the minimap).
    pub fn centre_on(&self, wx: f64, wy: f64, canvas: (f64, f64)) -> Zoom {
        Zoom { x: wx - canvas.0 / (2.0 * self.scale), y: wy - canvas.1 / (2.0 * self.scale), ..*self }.clamped(canvas)
    }

    /// Keeps the view inside the picture (which is exactly the canvas at scale 1).
    fn clamped(self, canvas: (f64, f64)) -> Zoom {
        let (vw, vh) = (canvas.0 / self.scale, canvas.1 / self.scale);
        Zoom { x: self.x.clamp(0.0, (canvas.0 - vw).max(0.0)), y: self.y.clamp(0.0, (canvas.1 - vh).max(0.0)), ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANVAS: (f64, f64) = (1280.0, 720.0);

    #[test]
    fn zoom_keeps_the_point_under_the_pointer() {
        let z = Zoom::default().zoom_at(2.0, 400.0, 300.0, CANVAS);
        assert_eq!(z.scale, 2.0);
        let (wx, wy) = z.to_world(400.0, 300.0);
        assert!((wx - 400.0).abs() < 1e-9 && (wy - 300.0).abs() < 1e-9);
        // Back out past fit: never smaller than the whole picture, and back at the origin.
        let out = z.zoom_at(0.1, 10.0, 10.0, CANVAS);
        assert_eq!(out, Zoom::default());
    }

    #[test]
    fn pan_stays_inside_the_picture() {
        let z = Zoom::default().zoom_at(4.0, 640.0, 360.0, CANVAS);
        let far = z.pan(-100_000.0, -100_000.0, CANVAS);
        let (right, bottom) = far.to_world(CANVAS.0, CANVAS.1);
        assert!((right - CANVAS.0).abs() < 1e-6 && (bottom - CANVAS.1).abs() < 1e-6);
        assert_eq!(Zoom::default().pan(50.0, 50.0, CANVAS), Zoom::default());
    }

    #[test]
    fn focus_frames_the_object_in_the_middle() {
        let card = Rect { x: 900.0, y: 500.0, w: 200.0, h: 100.0 };
        let z = Zoom::focus(card, CANVAS);
        assert!(z.scale > 3.0);
        let (cx, cy) = z.to_world(CANVAS.0 / 2.0, CANVAS.1 / 2.0);
        assert!((cx - 1000.0).abs() < 1.0 && (cy - 550.0).abs() < 1.0, "{cx},{cy}");
        let (a, e, f) = z.transform();
        assert!((900.0 * a + e) > 0.0 && (1100.0 * a + e) < CANVAS.0);
        let _ = f;
    }
}
