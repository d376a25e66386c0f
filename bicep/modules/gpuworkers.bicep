// GPU workers: a Container Apps environment with a serverless GPU workload profile and the worker app,
// scaled by KEDA on the Service Bus segment queue (authenticated with the worker's managed identity),
// from zero to maxWorkers replicas, one GPU per replica.
param location string
param baseName string
param tags object
param workspaceName string
param identityId string
param identityClientId string
param registryLoginServer string
param image string
@allowed([ 'T4', 'A100' ])
param gpuProfile string
@minValue(1)
param maxWorkers int
param serviceBusName string
param serviceBusNamespace string
param segmentQueueName string
param storageAccountName string
param appInsightsConnectionString string
param weightsManifestBlob string

// Serverless GPU profiles and the whole-GPU container size each one allows.
var profiles = {
  T4: {
    type: 'Consumption-GPU-NC8as-T4'
    cpu: '8.0'
    memory: '56Gi'
  }
  A100: {
    type: 'Consumption-GPU-NC24-A100'
    cpu: '24.0'
    memory: '220Gi'
  }
}
var profile = profiles[gpuProfile]

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: 'cae-${baseName}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: 'gpu'
        workloadProfileType: profile.type
      }
    ]
  }
}

resource worker 'Microsoft.App/containerApps@2025-01-01' = {
  name: 'ca-${baseName}-worker'
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'gpu'
    configuration: {
      activeRevisionsMode: 'Single'
      registries: [
        {
          server: registryLoginServer
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'worker'
          image: image
          resources: {
            cpu: json(profile.cpu)
            memory: profile.memory
          }
          env: [
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
            { name: 'EchoMimic__Storage__AccountName', value: storageAccountName }
            { name: 'EchoMimic__ServiceBus__FullyQualifiedNamespace', value: serviceBusNamespace }
            { name: 'EchoMimic__ServiceBus__SegmentQueue', value: segmentQueueName }
            { name: 'EchoMimic__Weights__ManifestBlob', value: weightsManifestBlob }
            { name: 'EchoMimic__Weights__Directory', value: '/weights' }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
            { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
          ]
          volumeMounts: [
            {
              volumeName: 'weights'
              mountPath: '/weights'
            }
          ]
          probes: [
            {
              // Weights are downloaded and checksummed before the worker reports started.
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: 8080
              }
              periodSeconds: 10
              failureThreshold: 60
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: 8080
              }
              periodSeconds: 30
              failureThreshold: 3
            }
          ]
        }
      ]
      volumes: [
        {
          name: 'weights'
          storageType: 'EmptyDir'
        }
      ]
      scale: {
        minReplicas: 0
        maxReplicas: maxWorkers
        rules: [
          {
            name: 'segment-queue'
            custom: {
              type: 'azure-servicebus'
              // One segment per replica: a replica holds one GPU and renders one segment at a time.
              metadata: {
                namespace: serviceBusName
                queueName: segmentQueueName
                messageCount: '1'
              }
              identity: identityId
            }
          }
        ]
      }
    }
  }
}

output environmentName string = environment.name
output workerName string = worker.name
