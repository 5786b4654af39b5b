//! `cargo xtask jwt-differential`: the cases of `generated-client/tests/fixtures/jwt/cases.json`
//! through Clerk's own code (`@clerk/backend`, pinned, installed with npm into
//! `.tools/clerk-backend`), networkless: the session tokens through `verifyToken`, and the
//! JWT-format M2M and OAuth access tokens through `verifyMachineAuthToken`. Every case must
//! have the outcome it expects; `generated-client/tests/jwt.rs` and `tests/machine.rs` hold the
//! client to the same outcomes, so the two agree case by case.

use std::path::Path;
use std::process::{Command, ExitCode};

const CLERK_BACKEND: &str = "@clerk/backend@3.25.0";
const SCRIPT: &str = "generated-client/tests/fixtures/jwt/differential.mjs";

pub fn jwt_differential(root: &Path) -> ExitCode {
    let prefix = match crate::npm::install(root, "clerk-backend", CLERK_BACKEND) {
        Ok(prefix) => prefix,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let status = Command::new("node")
        .arg(root.join(SCRIPT))
        .arg(&prefix)
        .current_dir(root)
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => {
            eprintln!("error: {CLERK_BACKEND} disagrees with the expected outcomes");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: cannot run node: {e}");
            ExitCode::FAILURE
        }
    }
}
