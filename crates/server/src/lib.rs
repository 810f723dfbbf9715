//! The KubeChart server: the `kubechart` command line, configuration, the HTTP API with its
//! authentication, and the embedded web app. Domain rules live here or below; handlers only parse,
//! authorise, call one domain function and map its result.

pub mod accounts;
pub mod app;
pub mod auth;
pub mod cli;
pub mod clusters;
pub mod commands;
pub mod database;
pub mod deployments;
pub mod error;
pub mod http;
pub mod live;
pub mod routes;
pub mod secrets;
pub mod serve;
pub mod state;
pub mod telemetry;
pub mod watches;
