//! Row identities. Each table's id is its own type so an org id cannot be passed as a unit id.

macro_rules! ids {
    ($($(#[$m:meta])* $name:ident;)+) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )+};
}

ids! {
    /// An organisation's row.
    OrgId;
    /// A unit's row.
    UnitId;
    /// A period's row.
    PeriodId;
    /// A stored KPI definition's row (built-in or an organisation's own).
    KpiDefId;
    /// A plan's row.
    PlanId;
    /// A measurement's row.
    MeasurementId;
    /// A user's row.
    UserId;
}
