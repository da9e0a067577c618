//! A plotters backend that draws at a device pixel ratio: charts are laid out on a canvas of
//! `size / ratio` logical pixels and every coordinate, stroke width, radius and font size is
//! multiplied by `ratio` on the way to the inner backend. A 1000×500 chart drawn through
//! `Scaled` onto a 2000×1000 bitmap is the same picture as its SVG, sharp when printed.

use plotters::style::{FontDesc, RGBAColor, TextStyle};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

/// `inner` seen at `1/ratio` of its size.
pub struct Scaled<DB> {
    inner: DB,
    ratio: u32,
}

impl<DB: DrawingBackend> Scaled<DB> {
    /// Wraps `inner`; `ratio` ≥ 1 (0 is taken as 1).
    pub fn new(inner: DB, ratio: u32) -> Self {
        Scaled {
            inner,
            ratio: ratio.max(1),
        }
    }

    fn at(&self, (x, y): BackendCoord) -> BackendCoord {
        let k = self.ratio as i32;
        (x * k, y * k)
    }
}

/// A line or fill style with its stroke width scaled.
struct Stroke {
    color: BackendColor,
    width: u32,
}

impl BackendStyle for Stroke {
    fn color(&self) -> BackendColor {
        self.color
    }
    fn stroke_width(&self) -> u32 {
        self.width
    }
}

impl<DB: DrawingBackend> Scaled<DB> {
    fn stroke<S: BackendStyle>(&self, style: &S) -> Stroke {
        Stroke {
            color: style.color(),
            width: style.stroke_width() * self.ratio,
        }
    }
}

impl<DB: DrawingBackend> DrawingBackend for Scaled<DB> {
    type ErrorType = DB::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        let (w, h) = self.inner.get_size();
        (w / self.ratio, h / self.ratio)
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    /// A logical pixel is a `ratio × ratio` square.
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let (x, y) = self.at(point);
        let k = self.ratio as i32 - 1;
        let style = Stroke { color, width: 1 };
        self.inner.draw_rect((x, y), (x + k, y + k), &style, true)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let stroke = self.stroke(style);
        self.inner.draw_line(self.at(from), self.at(to), &stroke)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let k = self.ratio as i32;
        let (a, b) = (self.at(upper_left), self.at(bottom_right));
        let b = if fill { (b.0 + k - 1, b.1 + k - 1) } else { b };
        let stroke = self.stroke(style);
        self.inner.draw_rect(a, b, &stroke, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let points: Vec<BackendCoord> = path.into_iter().map(|p| self.at(p)).collect();
        let stroke = self.stroke(style);
        self.inner.draw_path(points, &stroke)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let stroke = self.stroke(style);
        self.inner
            .draw_circle(self.at(center), radius * self.ratio, &stroke, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let points: Vec<BackendCoord> = vert.into_iter().map(|p| self.at(p)).collect();
        let stroke = self.stroke(style);
        self.inner.fill_polygon(points, &stroke)
    }

    /// The text drawn by the inner backend at `ratio` times its font size, so glyphs are
    /// rasterised at full resolution rather than enlarged.
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let c = style.color();
        let colour = RGBAColor(c.rgb.0, c.rgb.1, c.rgb.2, c.alpha);
        let family = style.family();
        let scaled: TextStyle =
            FontDesc::new(family, style.size() * self.ratio as f64, style.style())
                .transform(style.transform())
                .color(&colour)
                .pos(style.anchor());
        self.inner.draw_text(text, &scaled, self.at(pos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    /// Counts the pixels of `buffer` (RGB) that are not white.
    fn inked(buffer: &[u8]) -> usize {
        buffer.chunks(3).filter(|p| p != &[255, 255, 255]).count()
    }

    #[test]
    fn a_chart_at_twice_the_ratio_covers_four_times_the_pixels() {
        crate::report::charts::register_bundled_font();
        let draw = |ratio: u32| {
            let (w, h) = (200 * ratio, 100 * ratio);
            let mut buffer = vec![0u8; (w * h * 3) as usize];
            {
                let area = Scaled::new(BitMapBackend::with_buffer(&mut buffer, (w, h)), ratio)
                    .into_drawing_area();
                assert_eq!(area.dim_in_pixel(), (200, 100));
                area.fill(&WHITE).unwrap();
                area.draw(&Rectangle::new([(10, 10), (49, 29)], BLACK.filled()))
                    .unwrap();
                area.draw(&Text::new("MW", (100, 50), ("sans-serif", 20)))
                    .unwrap();
                area.present().unwrap();
            }
            buffer
        };
        let (one, two) = (inked(&draw(1)), inked(&draw(2)));
        // The rectangle is exactly 40 × 20 logical pixels: 800 at 1×, 3,200 at 2×; the text
        // adds its glyphs, scaled too (within antialiasing).
        assert!(one > 800 && two > 3200, "{one} {two}");
        let ratio = two as f64 / one as f64;
        assert!((3.5..4.5).contains(&ratio), "ink ratio {ratio}");
    }
}
