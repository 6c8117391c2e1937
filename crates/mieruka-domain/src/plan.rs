//! Plans (目標) and measurements (実績): the vocabulary storage and the lifecycle share.

use crate::vocab::vocabulary;

vocabulary! {
    /// Where a plan is in its life.
    PlanState, "plan state" {
        Draft => "draft", "下書き", "Draft";
        Agreed => "agreed", "経営層合意済み", "Agreed";
        Closed => "closed", "完了", "Closed";
    }
}

vocabulary! {
    /// How a measurement reached mieruka.
    MeasurementSource, "measurement source" {
        Manual => "manual", "手入力", "Manual entry";
        File => "file", "ファイル取込", "File import";
        Api => "api", "API", "API";
        Connector => "connector", "自動収集", "Connector";
    }
}
