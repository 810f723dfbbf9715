//! One health for an app: the worst of its objects, named.

use super::{Health, HealthState};
use crate::ObjectRef;

/// The app's health: the worst object's state (see [`HealthState::severity`]), its reason naming
/// the object (`Deployment web: 1/3 available — pod web-7c9f-x: ImagePullBackOff: …`). Among
/// objects equally bad the first one given wins; pass them in a meaningful order (apply order).
pub fn app_health<'a>(objects: impl IntoIterator<Item = (&'a ObjectRef, &'a Health)>) -> Health {
    let mut total = 0usize;
    let mut worst: Option<(&ObjectRef, &Health)> = None;
    let mut equally_bad = 0usize;
    for (object, health) in objects {
        total += 1;
        match worst {
            Some((_, current)) if health.state.severity() < current.state.severity() => {}
            Some((_, current)) if health.state.severity() == current.state.severity() => {
                equally_bad += 1;
            }
            _ => {
                worst = Some((object, health));
                equally_bad = 0;
            }
        }
    }
    let Some((object, health)) = worst else {
        return Health::new(HealthState::NotFound, "no objects found");
    };
    if health.state == HealthState::Current {
        let noun = if total == 1 { "object" } else { "objects" };
        return Health::new(HealthState::Current, format!("{total} {noun} current"));
    }
    let mut reason = format!("{} {}: {}", object.kind, object.name, health.reason);
    if equally_bad > 0 {
        let state = match health.state {
            HealthState::Failed => "failed",
            HealthState::Terminating => "terminating",
            HealthState::InProgress => "in progress",
            HealthState::NotFound | HealthState::Current => "not found",
        };
        reason.push_str(&format!(" (and {equally_bad} more {state})"));
    }
    Health::new(health.state, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(kind: &str, name: &str) -> ObjectRef {
        ObjectRef {
            api_version: "v1".into(),
            kind: kind.into(),
            namespace: Some("shop".into()),
            name: name.into(),
        }
    }

    #[test]
    fn worst_object_wins_and_is_named() {
        let web = object("Deployment", "web");
        let data = object("PersistentVolumeClaim", "data");
        let config = object("ConfigMap", "config");
        let failed = Health::new(
            HealthState::Failed,
            "0/3 available — pod web-7c9f-x: ImagePullBackOff: nginx:nope not found",
        );
        let waiting = Health::new(HealthState::InProgress, "waiting for a volume");
        let current = Health::new(HealthState::Current, "exists");
        let app = app_health([(&config, &current), (&data, &waiting), (&web, &failed)]);
        assert_eq!(app.state, HealthState::Failed);
        assert_eq!(
            app.reason,
            "Deployment web: 0/3 available — pod web-7c9f-x: ImagePullBackOff: nginx:nope not found"
        );
    }

    #[test]
    fn order_of_states() {
        let a = object("Deployment", "a");
        let b = object("Service", "b");
        let of = |state| Health::new(state, "r");
        let pairs = [
            (HealthState::Failed, HealthState::Terminating),
            (HealthState::Terminating, HealthState::InProgress),
            (HealthState::InProgress, HealthState::NotFound),
            (HealthState::NotFound, HealthState::Current),
        ];
        for (worse, better) in pairs {
            let (w, b_health) = (of(worse), of(better));
            assert_eq!(app_health([(&b, &b_health), (&a, &w)]).state, worse);
            assert_eq!(app_health([(&a, &w), (&b, &b_health)]).state, worse);
        }
    }

    #[test]
    fn ties_keep_the_first_and_count_the_rest() {
        let a = object("Deployment", "a");
        let b = object("Deployment", "b");
        let waiting = Health::new(HealthState::InProgress, "0/1 available");
        let app = app_health([(&a, &waiting), (&b, &waiting)]);
        assert_eq!(
            app.reason,
            "Deployment a: 0/1 available (and 1 more in progress)"
        );
    }

    #[test]
    fn all_current_and_empty() {
        let a = object("ConfigMap", "a");
        let current = Health::new(HealthState::Current, "exists");
        assert_eq!(
            app_health([(&a, &current)]),
            Health::new(HealthState::Current, "1 object current")
        );
        assert_eq!(app_health([]).state, HealthState::NotFound);
    }
}
