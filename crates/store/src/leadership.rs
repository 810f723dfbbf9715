//! Leadership of a cluster: the one replica that writes the observed status of the cluster's
//! deployments, so that N replicas watching the same cluster do not write the same status N
//! times. A replica claims a cluster with a lease (`holder`, `expires_at`) and renews it well
//! before it runs out; a cluster whose lease ran out (its holder died or lost the database) is
//! taken by the next replica that claims it. Expiry is judged by the claiming replica's clock, as
//! for operation leases.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelBehavior, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter,
};

use crate::entities::cluster_leases;
use crate::operations::expiry;
use crate::{ClusterId, StoreError};

/// Claims or renews the leadership of `cluster` for `holder` until `lease` from now. True when
/// `holder` leads the cluster now; false while another holder's lease stands. Each step is one
/// conditional write, so of two replicas claiming at once exactly one wins.
pub async fn claim(
    db: &impl ConnectionTrait,
    cluster: ClusterId,
    holder: &str,
    lease: Duration,
) -> Result<bool, StoreError> {
    let now = crate::now();
    let expires_at = expiry(now, lease);
    let renewed = cluster_leases::Entity::update_many()
        .set(cluster_leases::ActiveModel {
            holder: Set(holder.to_owned()),
            expires_at: Set(expires_at),
            ..cluster_leases::ActiveModel::new()
        })
        .filter(cluster_leases::Column::ClusterId.eq(cluster.0))
        .filter(
            Condition::any()
                .add(cluster_leases::Column::Holder.eq(holder))
                .add(cluster_leases::Column::ExpiresAt.lt(now)),
        )
        .exec(db)
        .await?;
    if renewed.rows_affected > 0 {
        return Ok(true);
    }
    // No row yet (or another holder's current one, which the insert leaves alone).
    let row = cluster_leases::ActiveModel {
        cluster_id: Set(cluster.0),
        holder: Set(holder.to_owned()),
        expires_at: Set(expires_at),
    };
    let inserted = cluster_leases::Entity::insert(row)
        .on_conflict(
            OnConflict::column(cluster_leases::Column::ClusterId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// Gives up `holder`'s leadership of `cluster` (at shutdown, or when it no longer follows the
/// cluster), so another replica takes it at its next claim instead of after the lease.
pub async fn release(
    db: &impl ConnectionTrait,
    cluster: ClusterId,
    holder: &str,
) -> Result<(), StoreError> {
    cluster_leases::Entity::delete_many()
        .filter(cluster_leases::Column::ClusterId.eq(cluster.0))
        .filter(cluster_leases::Column::Holder.eq(holder))
        .exec(db)
        .await?;
    Ok(())
}

/// Who leads `cluster` and until when, lease expired or not; `None` when nobody claimed it.
pub async fn leader(
    db: &impl ConnectionTrait,
    cluster: ClusterId,
) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
    Ok(cluster_leases::Entity::find_by_id(cluster.0)
        .one(db)
        .await?
        .map(|row| (row.holder, row.expires_at)))
}
