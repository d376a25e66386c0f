// The product's storage account: inputs (uploads), outputs (renders), intermediate clips and caches (work),
// GPU weights, the Functions deployment package, the Event Grid dead letters; the results queue the GPU
// workers report to; the job index table. Shared-key access is off: every caller uses Entra ID.
param location string
param baseName string
param tags object
@description('Days after which blobs under work/ are deleted by the lifecycle policy (the clean-up timer also deletes them).')
param workRetentionDays int

var containers = [
  'uploads'
  'renders'
  'work'
  'weights'
  'deployments'
  'eventgrid-deadletter'
]
var queues = [
  'segment-results'
  'campaign-intake'
]
var tables = [
  'jobs'
  'deliveries'
]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('st${replace(baseName, '-', '')}${uniqueString(resourceGroup().id)}', 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for name in containers: {
    parent: blobService
    name: name
    properties: { publicAccess: 'None' }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource storageQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for name in queues: {
    parent: queueService
    name: name
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource storageTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for name in tables: {
    parent: tableService
    name: name
  }
]

// Safety net behind the clean-up timer: work blobs never outlive the retention period by more than a day.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-work'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [ 'blockBlob' ]
              prefixMatch: [ 'work/' ]
            }
            actions: {
              baseBlob: { delete: { daysAfterModificationGreaterThan: workRetentionDays + 1 } }
            }
          }
        }
      ]
    }
  }
}

output accountName string = account.name
output accountId string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
