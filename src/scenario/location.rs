//! Where a site is (`[site]`, or a VPP site's `location`): needed by the solar models; and
//! where a synthetic climate's station is.

use toml::Spanned;

use super::file;
use super::values::Checker;
use crate::solar::spa::Site;
use crate::solar::station::Station;
use crate::units::Dimension;

/// Resolves a site's latitude and longitude (degrees) and elevation (m).
pub fn site(c: &mut Checker, s: &Spanned<file::SiteTable>) -> Option<Site> {
    let s = s.get_ref();
    let lat = c.number_in(
        &s.latitude,
        "site.latitude",
        -90.0,
        90.0,
        "degrees north, e.g. 36.62",
    );
    let lon = c.number_in(
        &s.longitude,
        "site.longitude",
        -180.0,
        180.0,
        "degrees east, e.g. 101.78",
    );
    let elevation = c.quantity(&s.elevation, Dimension::Length, "site.elevation");
    Some(Site::new(lat?, lon?, elevation?))
}

/// Resolves a weather station's place (`[weather] synthetic.station`).
pub fn station(c: &mut Checker, s: &Spanned<file::StationTable>) -> Option<Station> {
    let s = s.get_ref();
    let f = |key: &str| format!("weather.synthetic.station.{key}");
    let lat = c.number_in(&s.latitude, &f("latitude"), -90.0, 90.0, "degrees north");
    let lon = c.number_in(&s.longitude, &f("longitude"), -180.0, 180.0, "degrees east");
    let elevation = c.quantity(&s.elevation, Dimension::Length, &f("elevation"));
    Some(Station {
        name: s.name.clone(),
        latitude: lat?,
        longitude: lon?,
        elevation: elevation?,
    })
}
