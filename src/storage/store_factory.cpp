#include "storage/store_factory.h"

#include "storage/local_store.h"
#include "storage/s3_config.h"
#include "storage/s3_store.h"

namespace pitchreel {

Result<std::unique_ptr<ObjectStore>> open_object_store(const ServiceConfig& config,
                                                       const DataDir& data) {
  if (config.storage == "s3") {
    auto settings = s3_settings_from(config);
    if (!settings) return fail(settings.error());
    auto store = S3Store::open(std::move(*settings));
    if (!store) return fail(store.error());
    return std::unique_ptr<ObjectStore>(std::move(*store));
  }
  auto store = LocalStore::open(data.storage());
  if (!store) return fail(store.error());
  return std::unique_ptr<ObjectStore>(std::move(*store));
}

}  // namespace pitchreel
