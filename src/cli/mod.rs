pub mod x {}
pub mod import_cmd;
