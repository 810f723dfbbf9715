//! Health of live objects: kstatus rules plus what they miss, with a human reason.
