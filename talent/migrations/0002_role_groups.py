from django.db import migrations


def create_role_groups(apps, schema_editor):
    from talent.roles import sync_role_groups

    # Permissions that already exist are attached now; the post_migrate handler
    # in talent.signals attaches the rest once every app's permissions exist.
    sync_role_groups(apps)


def remove_role_groups(apps, schema_editor):
    from talent.models.access import ROLE_GROUP_NAMES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUP_NAMES.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("talent", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
