"""boto3's RDS client against the local endpoint; prints one JSON object with what each step saw.

argv: endpoint URL, region. Credentials (the target role's session) come from the environment,
like any boto3 program.
"""
import json
import sys
import time

import boto3
from botocore.exceptions import ClientError

endpoint, region = sys.argv[1:3]
rds = boto3.client("rds", endpoint_url=endpoint, region_name=region)
out = {}


def error_code(call):
    try:
        call()
    except ClientError as error:
        return [error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]]
    return None


pages = list(rds.get_paginator("describe_db_instances").paginate(PaginationConfig={"PageSize": 20}))
out["pages"] = len(pages)
out["instances"] = [
    [db["DBInstanceIdentifier"], db["Engine"], db["DBInstanceStatus"], len(db["TagList"])]
    for page in pages
    for db in page["DBInstances"]
]
clusters = rds.describe_db_clusters(Filters=[{"Name": "engine", "Values": ["aurora-postgresql"]}])["DBClusters"]
out["auroraMembers"] = [
    [member["DBInstanceIdentifier"], member["IsClusterWriter"]] for member in clusters[0]["DBClusterMembers"]
]

out["stopAnswer"] = rds.stop_db_instance(DBInstanceIdentifier="app-postgres")["DBInstance"]["DBInstanceStatus"]
for _ in range(60):
    status = rds.describe_db_instances(DBInstanceIdentifier="app-postgres")["DBInstances"][0]["DBInstanceStatus"]
    if status == "stopped":
        break
    time.sleep(0.25)
out["afterStop"] = status
out["startAnswer"] = rds.start_db_instance(DBInstanceIdentifier="app-postgres")["DBInstance"]["DBInstanceStatus"]
rds.get_waiter("db_instance_available").wait(
    DBInstanceIdentifier="app-postgres", WaiterConfig={"Delay": 1, "MaxAttempts": 30}
)
out["afterStart"] = rds.describe_db_instances(DBInstanceIdentifier="app-postgres")["DBInstances"][0][
    "DBInstanceStatus"
]

out["auroraMember"] = error_code(lambda: rds.stop_db_instance(DBInstanceIdentifier="aurora-pg-writer"))
out["untagged"] = error_code(lambda: rds.start_db_instance(DBInstanceIdentifier="reports-mysql"))
out["missingCluster"] = error_code(lambda: rds.describe_db_clusters(DBClusterIdentifier="no-such-cluster"))
out["maxRecords"] = error_code(lambda: rds.describe_db_instances(MaxRecords=10))
events = rds.describe_events(SourceType="db-instance", SourceIdentifier="app-postgres", Duration=60)["Events"]
out["events"] = [event["Message"] for event in events]
print(json.dumps(out))
