//! What the API does beyond a single store call, composed from the store, the domain and
//! `mieruka-app`: no HTTP here, so each is callable (and testable) on its own. Errors are
//! already the API's, naming the request's fields.

pub mod loss;
pub mod measurements;
pub mod orgs;
pub mod plans;
pub mod risks;
pub mod session;
pub mod simulation;
pub mod users;
