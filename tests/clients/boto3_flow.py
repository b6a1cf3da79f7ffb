"""boto3 against the local endpoint; prints one JSON object with what each step saw.

argv: "flow", endpoint URL, region, target role ARN, ExternalId, instance ID, role ARN that needs
no ExternalId; or "describe", endpoint URL, region (one DescribeInstances, for a refused call).
Credentials come from the environment, like any boto3 program.
"""
import json
import sys

import boto3
from botocore.exceptions import ClientError

mode, endpoint, region = sys.argv[1:4]
out = {}


def error_code(call):
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"]
    return None


if mode == "describe":
    ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name=region)
    print(json.dumps({"describe": error_code(lambda: ec2.describe_instances())}))
    sys.exit(0)

role_arn, external_id, instance_id, plain_role_arn = sys.argv[4:8]
sts = boto3.client("sts", endpoint_url=endpoint, region_name=region)
out["callerArn"] = sts.get_caller_identity()["Arn"]
creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="boto3", ExternalId=external_id)["Credentials"]
out["assumedKeyPrefix"] = creds["AccessKeyId"][:4]
out["withoutExternalIdToPlainRole"] = sts.assume_role(RoleArn=plain_role_arn, RoleSessionName="boto3")[
    "AssumedRoleUser"
]["Arn"]
out["withoutRequiredExternalId"] = error_code(
    lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="boto3")
)

ec2 = boto3.client(
    "ec2",
    endpoint_url=endpoint,
    region_name=region,
    aws_access_key_id=creds["AccessKeyId"],
    aws_secret_access_key=creds["SecretAccessKey"],
    aws_session_token=creds["SessionToken"],
)
managed = [{"Name": "tag:xacct-ec2:managed", "Values": ["local"]}]
pages = list(ec2.get_paginator("describe_instances").paginate(Filters=managed, PaginationConfig={"PageSize": 5}))
out["pages"] = len(pages)
out["managedIds"] = sorted(i["InstanceId"] for p in pages for r in p["Reservations"] for i in r["Instances"])

out["dryRunStop"] = error_code(lambda: ec2.stop_instances(InstanceIds=[instance_id], DryRun=True))
ec2.stop_instances(InstanceIds=[instance_id])
ec2.get_waiter("instance_stopped").wait(InstanceIds=[instance_id], WaiterConfig={"Delay": 1, "MaxAttempts": 30})
ec2.start_instances(InstanceIds=[instance_id])
ec2.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig={"Delay": 1, "MaxAttempts": 30})
state = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]
out["finalState"] = state

forged = boto3.client(
    "ec2",
    endpoint_url=endpoint,
    region_name=region,
    aws_access_key_id=creds["AccessKeyId"],
    aws_secret_access_key="not-the-secret",
    aws_session_token=creds["SessionToken"],
)
out["wrongSignature"] = error_code(lambda: forged.describe_instances(InstanceIds=[instance_id]))
print(json.dumps(out))
