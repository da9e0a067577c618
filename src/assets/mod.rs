//! Asset kinds. Each file owns one kind's parameters, its LP columns, rows, objective terms
//! and bus injection (`add_to_lp`), and its physics when a plan is committed (`realise`).

pub mod battery;
pub mod curtailable;
pub mod datacenter;
pub mod ev;
pub mod flexible;
pub mod grid;
pub mod load;
pub mod pv;

pub use crate::model::Weights;
pub use battery::Battery;
pub use curtailable::CurtailableLoad;
pub use flexible::{EnergyWindow, FlexibleLoad};
pub use grid::Grid;
pub use load::FixedLoad;
pub use pv::Pv;
