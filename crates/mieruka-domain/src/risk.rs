//! The business-risk register (being written).
