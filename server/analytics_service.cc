#include "server/analytics_service.h"
