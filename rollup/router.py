"""The roll-up database (settings: WANGGE_ROLLUP_DATABASE_URL) holds the city's copies of the
counties' tables and nothing else; the city's own tables (users, sessions) stay in `default`."""

ROLLUP_DATABASE = "rollup"


class RollupRouter:
    def db_for_read(self, model, **hints):
        return ROLLUP_DATABASE if model._meta.app_label == "rollup" else None

    db_for_write = db_for_read

    def allow_relation(self, first, second, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == ROLLUP_DATABASE:
            return app_label == "rollup"
        return False if app_label == "rollup" else None
