//! From an app's health on its cluster to the deployment status users see.

use kubechart_kube::health::{Health, HealthState};
use kubechart_store::DeploymentStatus;

/// The status an app's health shows, given the status the deployment had: `ready` when every
/// object is current; once it has been ready, anything less is `degraded`; before that, an
/// object that cannot become ready makes it `failed` and anything else is still `progressing`.
pub fn observed(previous: DeploymentStatus, app: &Health) -> DeploymentStatus {
    let was_ready = matches!(
        previous,
        DeploymentStatus::Ready | DeploymentStatus::Degraded
    );
    match app.state {
        HealthState::Current => DeploymentStatus::Ready,
        _ if was_ready => DeploymentStatus::Degraded,
        HealthState::Failed => DeploymentStatus::Failed,
        HealthState::InProgress | HealthState::NotFound | HealthState::Terminating => {
            DeploymentStatus::Progressing
        }
    }
}

/// Whether an operation owns the status now: then nothing observed replaces it.
pub fn operation_running(status: DeploymentStatus) -> bool {
    matches!(
        status,
        DeploymentStatus::Applying | DeploymentStatus::Deleting
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeploymentStatus::{Applying, Degraded, Draft, Failed, Progressing, Ready};

    fn health(state: HealthState) -> Health {
        Health::new(state, "Deployment web: 1/3 available")
    }

    #[test]
    fn current_is_ready_whatever_came_before() {
        for previous in [Draft, Progressing, Ready, Degraded, Failed] {
            assert_eq!(observed(previous, &health(HealthState::Current)), Ready);
        }
    }

    #[test]
    fn a_rollout_is_progressing_until_it_is_ready_or_fails() {
        for state in [
            HealthState::InProgress,
            HealthState::NotFound,
            HealthState::Terminating,
        ] {
            assert_eq!(observed(Progressing, &health(state)), Progressing);
        }
        assert_eq!(observed(Progressing, &health(HealthState::Failed)), Failed);
        assert_eq!(
            observed(Failed, &health(HealthState::InProgress)),
            Progressing
        );
    }

    #[test]
    fn a_ready_app_that_gets_worse_is_degraded() {
        for previous in [Ready, Degraded] {
            for state in [
                HealthState::InProgress,
                HealthState::NotFound,
                HealthState::Terminating,
                HealthState::Failed,
            ] {
                assert_eq!(observed(previous, &health(state)), Degraded, "{state:?}");
            }
        }
    }

    #[test]
    fn operations_own_their_statuses() {
        assert!(operation_running(Applying));
        assert!(operation_running(DeploymentStatus::Deleting));
        assert!(!operation_running(Progressing));
        assert!(!operation_running(Ready));
    }
}
