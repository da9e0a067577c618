//! The weather a scenario runs on, as a CSV table: one row per step with GHI, DNI, DHI
//! (W/m²), air temperature (°C), wind speed (m/s) and the plane-of-array irradiance of every
//! PV modelled from physics (W/m²). Written by `vppsim weather` and, for synthetic weather,
//! as `weather.csv` in a results folder (where the report charts it). The weather columns of
//! `timeseries.csv` come from here too.

use crate::scenario::Scenario;
use crate::solar::weather::Weather;

/// The weather of `s` as CSV text, or `None` when the scenario has no weather.
pub fn weather_csv(s: &Scenario) -> Option<Result<Vec<u8>, csv::Error>> {
    let w = s.weather.as_ref()?;
    Some(write(s, w, &planes(s, w)))
}

/// The weather columns of `timeseries.csv` (header with unit, value per step), when the
/// scenario has weather: `site.ghi [W/m2]`, `site.temperature [degC]` (the air), then
/// `<pv>.poa [W/m2]`, the irradiance on the modules' plane, for each PV modelled from it.
pub fn weather_columns(s: &Scenario) -> Vec<(String, Vec<f64>)> {
    let Some(w) = s.weather.as_ref() else {
        return Vec::new();
    };
    let mut columns = vec![
        ("site.ghi [W/m2]".to_string(), w.ghi.clone()),
        ("site.temperature [degC]".to_string(), w.temp_air.clone()),
    ];
    columns.extend(
        planes(s, w)
            .into_iter()
            .map(|(name, poa)| (format!("{name}.poa [W/m2]"), poa)),
    );
    columns
}

/// Plane-of-array irradiance (W/m²) per step of every PV modelled from the weather.
fn planes(s: &Scenario, w: &Weather) -> Vec<(String, Vec<f64>)> {
    s.pv.iter()
        .filter_map(|p| {
            let (model, site) = (p.model.as_ref()?, s.site.as_ref()?);
            let poa = model.plane_of_array(site, w, &s.time);
            Some((p.name.clone(), poa.iter().map(|x| x.total()).collect()))
        })
        .collect()
}

fn write(s: &Scenario, w: &Weather, planes: &[(String, Vec<f64>)]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::with_capacity(s.time.len * 64));
    let mut header: Vec<String> = [
        "timestamp",
        "ghi [W/m2]",
        "dni [W/m2]",
        "dhi [W/m2]",
        "temperature [degC]",
        "wind [m/s]",
    ]
    .map(String::from)
    .to_vec();
    header.extend(planes.iter().map(|(name, _)| format!("{name}.poa [W/m2]")));
    out.write_record(&header)?;
    for t in 0..s.time.len {
        let mut row = vec![s.time.timestamp(t)];
        row.extend(
            [w.ghi[t], w.dni[t], w.dhi[t]]
                .iter()
                .chain(planes.iter().map(|(_, poa)| &poa[t]))
                .map(|v| format!("{v:.2}")),
        );
        row.insert(4, format!("{:.2}", w.temp_air[t]));
        row.insert(5, format!("{:.2}", w.wind[t]));
        out.write_record(&row)?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}
