// Who a JWT's subject is when AUTH_PROFILES_TABLE is set: the shop's own profile row
// (db/pg_profiles.h) gives the organisation and the role; pitchreel keeps only what its
// own tables need to refer to them.
//
//   organisation: the profile's organisation value (its text, e.g. a UUID or a slug) is
//     the name of a pitchreel organisation, created on first use (two nodes racing to
//     create it end with one: the name is unique);
//   user: a pitchreel user with id = the JWT's sub in that organisation, created on first
//     use (jobs and keys refer to it); its email is "<sub>@profiles" (the profile table
//     is the source of truth, pitchreel never mails anyone);
//   role, read from the profile every time (cached 2 s by the caller):
//     "owner" -> owner, "admin" -> admin (both may generate and delete videos, as in the
//     seed), anything else (member, user, viewer, empty/NULL) -> member (read only);
//     case-insensitive, surrounding spaces ignored.
// A profile with no organisation is not a principal: the request gets 401 and the log says
// why. A profile whose organisation changed (the shop moved the user) moves the pitchreel
// user with it at their next sign-in (UserRepository::move_to_organization): they see the
// new organisation's jobs and videos from then on, what they made stays with the old one,
// and their API keys, issued for the old one, are revoked.
//
// Thread safety: the lookup may run on any number of threads; the profiles and the store
// are borrowed and must outlive it.
#pragma once

#include <optional>
#include <string>

#include "auth/authenticator.h"
#include "db/pg_profiles.h"
#include "db/store.h"

namespace pitchreel::api {

// The pitchreel role a profile's role text maps to (see above).
Role role_from_profile(std::string_view text);

// A ProfileLookup (auth/authenticator.h) that resolves through the shop's profiles.
Authenticator::ProfileLookup profile_table_lookup(db::PgProfiles& profiles, db::Store& store);

}  // namespace pitchreel::api
