//! Opening the configured database the same way for the server and for the one-shot commands.

use crate::cli::DataArgs;
use anyhow::Context as _;
use kubechart_store::{ConnectOptions, Store};

/// Creates the data directory, connects to the configured database and applies pending migrations.
pub async fn open(data: &DataArgs, options: ConnectOptions) -> anyhow::Result<Store> {
    std::fs::create_dir_all(&data.data_dir).with_context(|| {
        format!(
            "cannot create the data directory {}",
            data.data_dir.display()
        )
    })?;
    let store = Store::connect(&data.database_url(), options)
        .await
        .context("cannot open the database")?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    Ok(store)
}
