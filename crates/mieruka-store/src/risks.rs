//! The business-risk register in the database (being written).
