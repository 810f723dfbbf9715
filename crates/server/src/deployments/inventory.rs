//! The server's record of which objects belong to a deployment: the object set of its operations
//! in the database, next to the record itself. Each operation starts from its predecessor's set;
//! the engine widens it before applying and narrows it after prune, and every write checks that
//! this replica still holds the operation.

use kubechart_kube::ObjectRef;
use kubechart_kube::apply::{ApplyError, Inventory};
use kubechart_store::{OperationId, Store, StoreError, operations};
use serde_json::Value;
use std::collections::BTreeSet;

/// The object set of one running operation.
pub(super) struct OperationInventory {
    pub store: Store,
    pub operation: OperationId,
    pub holder: String,
}

/// Reads a stored object set.
pub(super) fn parse(stored: Value) -> Result<BTreeSet<ObjectRef>, ApplyError> {
    serde_json::from_value(stored)
        .map_err(|e| ApplyError::Inventory(format!("the recorded object set is unreadable: {e}")))
}

fn encode(objects: &BTreeSet<ObjectRef>) -> Result<Value, ApplyError> {
    serde_json::to_value(objects)
        .map_err(|e| ApplyError::Inventory(format!("cannot encode the object set: {e}")))
}

fn stored(error: StoreError) -> ApplyError {
    match error {
        StoreError::LeaseLost { operation } => ApplyError::Inventory(format!(
            "operation {operation} was taken over by another server; this one stopped"
        )),
        other => {
            tracing::error!(error = %other, "recording a deployment's object set failed");
            ApplyError::Inventory("the database could not record the object set".into())
        }
    }
}

impl Inventory for OperationInventory {
    async fn load(&self) -> Result<BTreeSet<ObjectRef>, ApplyError> {
        let operation = self
            .store
            .operation(self.operation)
            .await
            .map_err(stored)?
            .ok_or(StoreError::LeaseLost {
                operation: self.operation,
            })
            .map_err(stored)?;
        parse(operation.inventory)
    }

    async fn save(&self, objects: &BTreeSet<ObjectRef>) -> Result<(), ApplyError> {
        operations::record_inventory(
            self.store.connection(),
            self.operation,
            &self.holder,
            encode(objects)?,
        )
        .await
        .map_err(stored)?;
        Ok(())
    }

    async fn clear(&self) -> Result<(), ApplyError> {
        self.save(&BTreeSet::new()).await
    }
}
