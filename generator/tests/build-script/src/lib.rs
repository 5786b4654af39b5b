//! A client for the Parcel Tracking API, generated when this crate builds (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/openapi_client.rs"));
