//! Generates the parcels client into `OUT_DIR` from `openapi/parcels.yaml` and the files it
//! references; cargo reruns this when any of them changes.

fn main() {
    openapi_rust_generator::build::Build::new("openapi/parcels.yaml")
        .generate()
        .unwrap_or_else(|error| panic!("{error}"));
}
