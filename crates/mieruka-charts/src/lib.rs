//! Charts as SVG (being written).
